"""Agents' handle time as the ticket page reports it: one row per agent, page visit and UTC
day, holding the active seconds counted on that day (``insights.work`` keeps it)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from minidesk.db import Base


class WorkTime(Base):
    __tablename__ = "work_time"
    __table_args__ = (
        # A visit's beats land on one row per day whatever their order or repeats.
        UniqueConstraint("user_id", "visit", "day", name="uq_work_time_visit_day"),
        Index("ix_work_time_day_user", "day", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    # The page's own random id for one visit: its counter starts at zero with the page.
    visit: Mapped[str] = mapped_column(String(64))
    day: Mapped[dt.date]
    seconds: Mapped[int] = mapped_column(default=0)
    last_beat_at: Mapped[dt.datetime]
