"""SLA tables: policies (rules as data), one timer row per ticket and metric, each finished
cycle's outcome for reports, and the per-ticket facts a policy matches on that the ticket
itself does not keep (triage flags)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from minidesk.db import Base, utcnow


def _policy_fk() -> ForeignKey:
    # A deleted policy leaves its tickets' timers and results running under "no policy".
    return ForeignKey("sla_policies.id", ondelete="SET NULL")


class Metric(StrEnum):
    FIRST_RESPONSE = "first_response"
    NEXT_RESPONSE = "next_response"
    RESOLUTION = "resolution"


class SlaPolicy(Base):
    """Conditions (all must hold; empty lists match anything) and targets; the enabled policy
    with the lowest position whose conditions hold is the ticket's."""

    __tablename__ = "sla_policies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(String(2000), default="")
    position: Mapped[int] = mapped_column(default=0)
    enabled: Mapped[bool] = mapped_column(default=True)
    conditions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Metric → {"seconds": int, "business": bool}; a metric absent has no target.
    targets: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    warn_before_seconds: Mapped[int] = mapped_column(default=0)
    # The calendar business targets count in (``channels.hours.BusinessHours``); None: the
    # ticket's channel's hours, and with none there, every hour counts.
    business_hours: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class SlaTimer(Base):
    """One running target of one ticket. ``due_at`` is None while paused (pending/on-hold),
    ``remaining_seconds`` then holds the counted time left. The sweeper claims rows with
    ``breached_at IS NULL AND due_at <= now`` (and the same for warnings)."""

    __tablename__ = "sla_timers"
    __table_args__ = (
        UniqueConstraint("ticket_id", "metric"),
        Index("ix_sla_timers_due", "breached_at", "due_at"),
        Index("ix_sla_timers_warn", "warned_at", "warn_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    metric: Mapped[str] = mapped_column(String(16))
    policy_id: Mapped[int | None] = mapped_column(
        ForeignKey("sla_policies.id", ondelete="SET NULL")
    )
    target_seconds: Mapped[int]
    business: Mapped[bool] = mapped_column(default=False)
    started_at: Mapped[dt.datetime]
    due_at: Mapped[dt.datetime | None]
    warn_at: Mapped[dt.datetime | None]
    remaining_seconds: Mapped[float | None] = mapped_column(Float)
    warned_at: Mapped[dt.datetime | None]
    breached_at: Mapped[dt.datetime | None]


class SlaResult(Base):
    """A finished cycle of one target: met (stopped in time) or breached. Reports count these;
    a breached target that is later met stays breached (one row per cycle)."""

    __tablename__ = "sla_results"
    __table_args__ = (Index("ix_sla_results_ended", "ended_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    metric: Mapped[str] = mapped_column(String(16))
    policy_id: Mapped[int | None] = mapped_column(
        ForeignKey("sla_policies.id", ondelete="SET NULL")
    )
    channel: Mapped[str] = mapped_column(String(16))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    due_at: Mapped[dt.datetime | None]
    breached: Mapped[bool]
    ended_at: Mapped[dt.datetime]


class SlaTicket(Base):
    """What the SLA clocks know of a ticket beyond its columns: the policy last matched, the
    triage flags seen on its messages, and since when it is paused."""

    __tablename__ = "sla_tickets"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    policy_id: Mapped[int | None] = mapped_column(
        ForeignKey("sla_policies.id", ondelete="SET NULL")
    )
    flags: Mapped[list[Any]] = mapped_column(JSON, default=list)
    paused_at: Mapped[dt.datetime | None]
