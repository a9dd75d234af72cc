"""Agents' handle time as the ticket page reports it: one row per agent, page visit and UTC
day, holding the active seconds counted on that day (``insights.work`` keeps it)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint
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


# kpi_work_days' stand-ins for "none" in its primary key: no earlier day worked, not solved.
NO_DAY_BEFORE = dt.date(1, 1, 1)
NOT_SOLVED = dt.date(9999, 12, 31)


class KpiWorkDay(Base):
    """Handle time's per-day counters (``insights.work_days``): per UTC day worked, dimension,
    key and team, the seconds and the tickets worked that day (per agent by agent), split by
    the previous day the same ticket was worked (so a range counts a ticket once: on its
    first day in the range) and by the ticket's first solve day."""

    __tablename__ = "kpi_work_days"

    dimension: Mapped[str] = mapped_column(String(16), primary_key=True)
    day: Mapped[dt.date] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    team_key: Mapped[int] = mapped_column(primary_key=True)
    prev_day: Mapped[dt.date] = mapped_column(primary_key=True)  # NO_DAY_BEFORE: the first
    solved_day: Mapped[dt.date] = mapped_column(primary_key=True)  # NOT_SOLVED: none yet
    seconds: Mapped[int] = mapped_column(BigInteger, default=0)
    tickets: Mapped[int] = mapped_column(default=0)
