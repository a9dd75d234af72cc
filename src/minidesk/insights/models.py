"""Survey tables: the workspace's survey settings, one row per survey sent, and opt-outs.

A survey is a timer row (``due_at``): scheduled when a ticket is solved, claimed and sent by
the minute sweep, answered at most once by one score (a later answer within the same survey
replaces the score and keeps the comment history on the timeline)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from minidesk.db import Base, utcnow


class SurveyKind(StrEnum):
    CSAT = "csat"
    NPS = "nps"
    CES = "ces"


# Each kind's scale, both ends included: CSAT 1 to 5, NPS 0 to 10 (likelihood to recommend),
# CES 1 to 7 (how easy it was).
SCALES: dict[SurveyKind, tuple[int, int]] = {
    SurveyKind.CSAT: (1, 5),
    SurveyKind.NPS: (0, 10),
    SurveyKind.CES: (1, 7),
}


class SurveyTrigger(StrEnum):
    TRANSACTIONAL = "transactional"  # after a ticket was solved
    RELATIONAL = "relational"  # on a schedule, about the relationship as a whole


class SurveyStatus(StrEnum):
    SCHEDULED = "scheduled"
    SENT = "sent"
    ANSWERED = "answered"
    # Not sent: the ticket reopened, was closed, the customer opted out, or the channel
    # refused (WhatsApp's 24-hour window).
    SKIPPED = "skipped"


class SurveySettings(Base):
    """One row (id 1): what the workspace asks, when, and how often."""

    __tablename__ = "survey_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The survey sent after a solve (None: none).
    transactional_kind: Mapped[str | None] = mapped_column(String(8))
    delay_minutes: Mapped[int] = mapped_column(default=60)
    # A customer asked within this many days is not asked again (any kind).
    throttle_days: Mapped[int] = mapped_column(default=30)
    # Relational NPS every this many days per customer with a solved ticket (0: off).
    relational_nps_days: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Survey(Base):
    __tablename__ = "surveys"
    __table_args__ = (
        Index("ix_surveys_due", "status", "due_at"),
        Index("ix_surveys_customer", "customer_id", "created_at"),
        Index("ix_surveys_answered", "status", "answered_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    trigger: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=SurveyStatus.SCHEDULED)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    # Copied from the ticket when the survey is answered: reports group by them without joins.
    channel: Mapped[str | None] = mapped_column(String(16))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    due_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None]
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    score: Mapped[int | None]
    comment: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[dt.datetime | None]
    skipped_reason: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class SurveyOptOut(Base):
    """A customer who unsubscribed from surveys: never asked again, by any channel."""

    __tablename__ = "survey_opt_outs"

    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
