"""A resolution flow's conversation state: durable, one row per ticket."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from minidesk.db import Base, utcnow


class Step(StrEnum):
    NEW = "new"
    AWAITING_ORDER = "awaiting_order"  # asked which order
    AWAITING_TOKEN = "awaiting_token"  # refund offered; only the next message may confirm
    AWAITING_ADDRESS = "awaiting_address"  # asked for the new shipping address
    EXPLAINED = "explained"  # policy explained; insisting hands off
    IN_GUIDE = "in_guide"  # asked a troubleshooting guide's question
    DONE = "done"  # closed automatically
    HANDED_OFF = "handed_off"  # a person owns the ticket; the bot stays out


class Resolution(StrEnum):
    AUTO = "auto"
    AGENT = "agent"
    ESCALATED = "escalated"


class FollowUpRisk(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class ResolutionState(Base):
    __tablename__ = "resolution_states"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    flow: Mapped[str | None] = mapped_column(String(32))
    step: Mapped[str] = mapped_column(String(24), default=Step.NEW)
    order_number: Mapped[str | None] = mapped_column(String(32))
    # The inbound message the last bot question answered: "the next message" is the first
    # inbound message after it.
    asked_after_message_id: Mapped[int | None]
    offer: Mapped[dict[str, Any]] = mapped_column(default=dict)
    facts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    follow_up_risk: Mapped[str | None] = mapped_column(String(8))
    version: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
