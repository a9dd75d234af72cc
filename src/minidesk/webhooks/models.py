"""Webhook subscriptions (a URL, the event kinds it wants, its own secret) and the history of
every attempt to deliver to one."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from minidesk.db import Base, utcnow


class SubscriptionState(StrEnum):
    ACTIVE = "active"
    DISABLED = "disabled"  # an admin switched it off: no deliveries are queued
    # The circuit breaker is open: deliveries wait (parked) until an admin re-enables it.
    FAILING = "failing"


class AttemptStatus(StrEnum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class WebhookSubscription(Base):
    __tablename__ = "webhook_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    # Catalogued kinds, "prefix.*" or "*" (``webhooks.patterns``).
    events: Mapped[list[Any]]
    description: Mapped[str] = mapped_column(String(500), default="")
    secret_encrypted: Mapped[str] = mapped_column(Text)
    enabled: Mapped[bool] = mapped_column(default=True)
    # The breaker: consecutive failed attempts, and when they reached the threshold.
    consecutive_failures: Mapped[int] = mapped_column(default=0)
    failing_since: Mapped[dt.datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def state(self) -> SubscriptionState:
        if not self.enabled:
            return SubscriptionState.DISABLED
        if self.failing_since is not None:
            return SubscriptionState.FAILING
        return SubscriptionState.ACTIVE


class WebhookAttempt(Base):
    """One POST to a subscription's receiver (the outbox row holds the delivery's state)."""

    __tablename__ = "webhook_attempts"
    __table_args__ = (Index("ix_webhook_attempts_subscription", "subscription_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_subscriptions.id", ondelete="CASCADE")
    )
    outbox_id: Mapped[int]
    event_id: Mapped[int | None]
    event_kind: Mapped[str] = mapped_column(String(64))
    attempt: Mapped[int]
    status: Mapped[str] = mapped_column(String(16))
    http_status: Mapped[int | None]
    latency_ms: Mapped[int]
    error: Mapped[str | None] = mapped_column(Text)
    # The start of the receiver's answer, for admins debugging their receiver; never shown
    # anywhere else (it may come from a service the desk should not be reading).
    response_body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
