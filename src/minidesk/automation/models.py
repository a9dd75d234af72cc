"""Rules as data, the record of each firing, and the timers of time-based rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from minidesk.db import Base, utcnow

# The event name of time-based rules: they fire ``after`` a duration in ``status``.
TIME_EVENT = "time"


class Rule(Base):
    __tablename__ = "automation_rules"
    __table_args__ = (Index("ix_automation_rules_event", "event", "enabled", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(String(2000), default="")
    event: Mapped[str] = mapped_column(String(64))
    after: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str | None] = mapped_column(String(16))
    conditions: Mapped[list[Any]] = mapped_column(default=list)
    actions: Mapped[list[Any]] = mapped_column(default=list)
    enabled: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)
    # Loop guard: events caused by automation are ignored unless a rule opts in.
    allow_automated: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class RuleFiring(Base):
    """One rule firing. Unique per (rule, event): a rule never fires twice on one event."""

    __tablename__ = "automation_firings"
    __table_args__ = (
        UniqueConstraint("rule_id", "event_id"),
        Index("ix_automation_firings_ticket", "ticket_id", "fired_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("automation_rules.id", ondelete="CASCADE"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"))
    timer_id: Mapped[int | None]
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    fired_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class AutomationTimer(Base):
    """A time-based rule waiting on one ticket; the sweeper claims it once due."""

    __tablename__ = "automation_timers"
    __table_args__ = (
        UniqueConstraint("ticket_id", "rule_id"),
        Index("ix_automation_timers_due", "fired_at", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    rule_id: Mapped[int] = mapped_column(ForeignKey("automation_rules.id", ondelete="CASCADE"))
    due_at: Mapped[dt.datetime]
    fired_at: Mapped[dt.datetime | None]
