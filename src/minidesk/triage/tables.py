"""The tables behind learning from agents: labelled examples, model versions, the retrain timer.

Model artefacts live in the database, not on a local disk, so that every process (web,
workers on other machines) loads the same active model from the one place they all share.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from minidesk.db import Base, utcnow


class ExampleSource(StrEnum):
    AGENT = "agent"  # an agent corrected the ticket's intent: a gold label


class IntentExample(Base):
    """One labelled message; a ticket contributes at most one (its latest correction)."""

    __tablename__ = "intent_examples"
    __table_args__ = (Index("ix_intent_examples_updated", "source", "updated_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), unique=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    text: Mapped[str] = mapped_column(Text)
    label: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(16), default=ExampleSource.AGENT)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Moves on every re-correction: "new since the last retrain" is judged by this.
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class IntentModelVersion(Base):
    """A trained model (its directory zipped); at most one row is active, none means the
    shipped default is live."""

    __tablename__ = "intent_models"

    version: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))  # the model's own version string
    sha256: Mapped[str] = mapped_column(String(64))
    artefact: Mapped[bytes] = mapped_column(LargeBinary)
    metrics: Mapped[dict[str, Any]] = mapped_column(default=dict)
    active: Mapped[bool] = mapped_column(default=False, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    activated_at: Mapped[dt.datetime | None]


RETRAIN_ROW = 1


class IntentRetrain(Base):
    """The retrain timer (one row): due when enough new corrections exist, claimed by one
    worker with a conditional UPDATE."""

    __tablename__ = "intent_retrain"

    id: Mapped[int] = mapped_column(primary_key=True, default=RETRAIN_ROW)
    due_at: Mapped[dt.datetime | None]
    running_since: Mapped[dt.datetime | None]
    # Corrections newer than the start of the last run count towards the next one.
    last_started_at: Mapped[dt.datetime | None]
    last_outcome: Mapped[dict[str, Any]] = mapped_column(default=dict)
