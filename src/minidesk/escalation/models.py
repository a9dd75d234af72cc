"""Escalation tables: the matrix (rules as data), each escalation of a ticket, the time-based
rules' timers, product-quality incidents and the settings that say who hears of them."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from minidesk.db import Base, utcnow


class TriggerKind(StrEnum):
    UNRESOLVED = "unresolved"  # open for N (business or calendar) hours
    REFUND_OVER = "refund_over"  # a refund above an amount waits for approval
    LEGAL_WORDS = "legal_words"  # triage flagged legal words
    HEALTH_SAFETY = "health_safety"  # triage flagged a health or safety report


class TargetKind(StrEnum):
    TEAM_LEAD = "team_lead"  # the leads of the ticket's team
    SENIOR_MANAGER = "senior_manager"  # every manager
    INCIDENT = "incident"  # the product-quality-incident workflow
    TIER = "tier"  # the tier only: whoever works that tier's queue


class EscalationRule(Base):
    """One line of the matrix: when ``trigger`` holds, the ticket goes to ``target`` at
    ``tier``. Event triggers fire once per ticket and rule; a time trigger once per cycle."""

    __tablename__ = "escalation_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(String(2000), default="")
    position: Mapped[int] = mapped_column(default=0)
    enabled: Mapped[bool] = mapped_column(default=True)
    trigger: Mapped[dict[str, Any]] = mapped_column(default=dict)
    target: Mapped[str] = mapped_column(String(16))
    tier: Mapped[int] = mapped_column(default=2)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Escalation(Base):
    """A ticket moved between tiers: by whom or what rule, to whom, and why."""

    __tablename__ = "escalations"
    __table_args__ = (Index("ix_escalations_ticket", "ticket_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    rule_id: Mapped[int | None] = mapped_column(
        ForeignKey("escalation_rules.id", ondelete="SET NULL")
    )
    rule_name: Mapped[str | None] = mapped_column(String(200))
    target: Mapped[str] = mapped_column(String(16))
    # The people told (user ids): a lead, the managers, a named agent, incident teams.
    target_user_ids: Mapped[list[Any]] = mapped_column(default=list)
    tier_before: Mapped[int]
    tier: Mapped[int]
    reason: Mapped[str] = mapped_column(String(500))
    note: Mapped[str] = mapped_column(String(2000), default="")
    actor_type: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None]
    actor_name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class EscalationTimer(Base):
    """A time-based rule's clock on one ticket. The sweeper claims ``fired_at IS NULL AND
    due_at <= now`` with one conditional UPDATE, as the SLA timers do."""

    __tablename__ = "escalation_timers"
    __table_args__ = (
        UniqueConstraint("ticket_id", "rule_id"),
        Index("ix_escalation_timers_due", "fired_at", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    rule_id: Mapped[int] = mapped_column(ForeignKey("escalation_rules.id", ondelete="CASCADE"))
    started_at: Mapped[dt.datetime]
    due_at: Mapped[dt.datetime]
    fired_at: Mapped[dt.datetime | None]


class Incident(Base):
    """A product-quality incident opened by a health or safety report: its checklist
    (key → done by/at, or null) and the deadline operations and compliance acknowledge by."""

    __tablename__ = "incidents"
    __table_args__ = (Index("ix_incidents_due", "acknowledged_at", "escalated_at", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), unique=True)
    reason: Mapped[str] = mapped_column(String(500))
    checklist: Mapped[dict[str, Any]] = mapped_column(default=dict)
    notified_user_ids: Mapped[list[Any]] = mapped_column(default=list)
    opened_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    due_at: Mapped[dt.datetime]
    acknowledged_at: Mapped[dt.datetime | None]
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Set once by the sweeper that escalated an unacknowledged incident (its claim).
    escalated_at: Mapped[dt.datetime | None]
    closed_at: Mapped[dt.datetime | None]


class EscalationSettings(Base):
    """Who hears of incidents (one row): the operations and compliance teams, and how long
    they have to acknowledge."""

    __tablename__ = "escalation_settings"

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    operations_team_id: Mapped[int | None] = mapped_column(
        ForeignKey("teams.id", ondelete="SET NULL")
    )
    compliance_team_id: Mapped[int | None] = mapped_column(
        ForeignKey("teams.id", ondelete="SET NULL")
    )
    acknowledge_hours: Mapped[int] = mapped_column(default=24)
