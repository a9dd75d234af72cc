"""The workspace's costs (one row, id 1) that cost per contact divides: money in integer minor
units of one currency, so amounts add up without conversion; and the contacts it divides by,
counted per day (``insights.contact_days``)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from minidesk.db import Base, utcnow


class CostSettings(Base):
    __tablename__ = "cost_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    currency: Mapped[str] = mapped_column(String(3))  # ISO 4217
    # 64-bit amounts: the API takes up to 10^10 minor units, past a 32-bit INTEGER's 2^31.
    agent_hour: Mapped[int] = mapped_column(BigInteger, default=0)  # an agent's cost per hour
    tooling_month: Mapped[int] = mapped_column(BigInteger, default=0)  # licences, hosting
    sms_message: Mapped[int] = mapped_column(BigInteger, default=0)  # per outbound SMS
    whatsapp_message: Mapped[int] = mapped_column(BigInteger, default=0)  # per WhatsApp message
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class KpiContactDay(Base):
    """Cost per contact's per-day counters: per UTC day a customer wrote, dimension, key and
    team, the tickets written to that day, split by the previous day the same ticket was
    written to (so a range counts a ticket once: on its first day in the range)."""

    __tablename__ = "kpi_contact_days"

    dimension: Mapped[str] = mapped_column(String(16), primary_key=True)
    day: Mapped[dt.date] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    team_key: Mapped[int] = mapped_column(primary_key=True)
    prev_day: Mapped[dt.date] = mapped_column(primary_key=True)  # NO_DAY_BEFORE: the first
    tickets: Mapped[int] = mapped_column(default=0)


class KpiTicketContactDay(Base):
    """The UTC days a ticket's customer wrote, as kpi_contact_days counts them now: what a
    change takes back (the event log alone cannot tell which of its events were counted)."""

    __tablename__ = "kpi_ticket_contact_days"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    day: Mapped[dt.date] = mapped_column(primary_key=True)
