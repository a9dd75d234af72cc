"""QA tables: scorecards as data, reviews (a sampled conversation, scored, maybe disputed),
coaching notes and certification gates."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from minidesk.db import Base, utcnow


class SampleReason(StrEnum):
    RANDOM = "random"  # the monthly share of each agent's conversations
    LOW_CSAT = "low_csat"
    REOPENED = "reopened"
    ESCALATED = "escalated"
    MANUAL = "manual"  # a lead picked it


class ReviewStatus(StrEnum):
    PENDING = "pending"  # sampled, not scored yet
    SCORED = "scored"
    DISPUTED = "disputed"  # the agent disagrees; a lead or manager decides
    RESOLVED = "resolved"  # the dispute was decided (the score upheld or revised)


class QaScorecard(Base):
    __tablename__ = "qa_scorecards"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    # {"categories": [{"key", "label", "weight", "items": [{"key", "label"}]}]}: see scorecard.py
    spec: Mapped[dict[str, Any]]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class QaReview(Base):
    __tablename__ = "qa_reviews"
    __table_args__ = (
        # A conversation is sampled once per scorecard: random and targeted picks never double.
        UniqueConstraint("ticket_id", "scorecard_id"),
        Index("ix_qa_reviews_agent", "agent_id", "month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    agent_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    scorecard_id: Mapped[int] = mapped_column(ForeignKey("qa_scorecards.id"))
    month: Mapped[str] = mapped_column(String(7))  # "2026-03": the month of the solve
    reason: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=ReviewStatus.PENDING)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    scores: Mapped[dict[str, Any]] = mapped_column(default=dict)  # item key → 0..4 or null
    score_percent: Mapped[float | None]
    comment: Mapped[str | None] = mapped_column(Text)
    reviewed_at: Mapped[dt.datetime | None]
    dispute: Mapped[str | None] = mapped_column(Text)
    disputed_at: Mapped[dt.datetime | None]
    resolution: Mapped[str | None] = mapped_column(Text)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class QaCoachingNote(Base):
    __tablename__ = "qa_coaching_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    review_id: Mapped[int | None] = mapped_column(ForeignKey("qa_reviews.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class QaGate(Base):
    """A certification gate: ``skill`` needs QA ≥ ``min_qa_percent`` and CSAT average ≥
    ``min_csat_average`` over the last ``window_days``."""

    __tablename__ = "qa_gates"

    id: Mapped[int] = mapped_column(primary_key=True)
    skill: Mapped[str] = mapped_column(String(64), unique=True)
    min_qa_percent: Mapped[float]
    min_csat_average: Mapped[float]
    window_days: Mapped[int] = mapped_column(default=90)
    # Too few reviews or answers say nothing about an agent: below these, not certified.
    min_reviews: Mapped[int] = mapped_column(default=3)
    min_answers: Mapped[int] = mapped_column(default=5)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
