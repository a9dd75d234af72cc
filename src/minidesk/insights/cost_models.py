"""The workspace's costs (one row, id 1) that cost per contact divides: money in integer minor
units of one currency, so amounts add up without conversion."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from minidesk.db import Base, utcnow


class CostSettings(Base):
    __tablename__ = "cost_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    currency: Mapped[str] = mapped_column(String(3))  # ISO 4217
    agent_hour: Mapped[int] = mapped_column(default=0)  # one agent's loaded cost per hour
    tooling_month: Mapped[int] = mapped_column(default=0)  # licences, hosting: per month
    sms_message: Mapped[int] = mapped_column(default=0)  # per outbound SMS
    whatsapp_message: Mapped[int] = mapped_column(default=0)  # per outbound WhatsApp message
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
