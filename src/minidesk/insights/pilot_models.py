"""Remediation pilots: a fix for one contact driver (an intent), what it costs, and when it
started, so the payback report (``insights.pilots``) can weigh the contacts it saved."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from minidesk.db import Base, utcnow


class RemediationPilot(Base):
    __tablename__ = "remediation_pilots"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    intent: Mapped[str] = mapped_column(String(64))  # the contacts it should prevent
    started_on: Mapped[dt.date]  # the first UTC day the fix was live
    ended_on: Mapped[dt.date | None]  # the last one (None: still running)
    # The days before the start that set the intent's usual share and cost per contact.
    baseline_days: Mapped[int] = mapped_column(default=28)
    # Integer minor units of ``currency`` (the workspace's cost currency when saved).
    # Up to cost settings' MAX_MINOR (10^10): past a 32-bit integer, so 64 bits.
    investment: Mapped[int] = mapped_column(BigInteger, default=0)  # one-off: building the fix
    running_month: Mapped[int] = mapped_column(BigInteger, default=0)  # running it, per month
    currency: Mapped[str] = mapped_column(String(3))
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
