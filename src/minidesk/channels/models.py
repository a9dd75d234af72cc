"""The ``channels`` table: one row per mailbox, API integration, phone number or chat widget.

What every channel shares (name, team, business hours, enabled) is a column; what one kind
needs is its typed settings (``settings``, validated by the kind's model) and its secrets,
stored as one Fernet token (``secrets_encrypted``) and never read back out through the API.
``channel_deliveries`` is what providers that report on each message (SMS, WhatsApp) said.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from minidesk.db import Base, utcnow


class Channel(Base):
    __tablename__ = "channels"
    # ``key`` names the instances the desk creates on its own (an API integration's row,
    # the workspace's personal-token row), so two processes creating one at once make one.
    __table_args__ = (UniqueConstraint("kind", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    key: Mapped[str | None] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200), default="")
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    # Inline weekly hours and holidays (``channels.hours.BusinessHours``); None: always open.
    business_hours: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    secrets_encrypted: Mapped[str | None] = mapped_column(Text)
    enabled: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class DeliveryAttempt(StrEnum):
    """Where one outbox row's send to a provider stands. ``PENDING`` is written and committed
    before the request leaves: finding it on a retry means the previous try may have sent
    (it died or timed out before the answer was recorded), so the kind looks before sending."""

    PENDING = "pending"
    ACCEPTED = "accepted"  # the provider took it: ``provider_id`` is its id
    REFUSED = "refused"  # the provider answered with an error: nothing was sent
    # Never learnt (WhatsApp keeps no log to look in): held as a dead letter; an admin's
    # replay, after checking, sends afresh.
    UNKNOWN = "unknown"


class ChannelDelivery(Base):
    """A provider's record of one outbound message (an SMS, a WhatsApp message): its id, the
    delivery status its callbacks report, and what it cost."""

    __tablename__ = "channel_deliveries"
    __table_args__ = (UniqueConstraint("channel_id", "provider_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id"))
    # One attempt record per outbox row: a retry finds it and never sends twice.
    outbox_id: Mapped[int] = mapped_column(unique=True)
    message_id: Mapped[int | None] = mapped_column(index=True)
    recipient: Mapped[str] = mapped_column(String(64), default="")
    attempt: Mapped[str] = mapped_column(String(16), default=DeliveryAttempt.PENDING)
    provider_id: Mapped[str | None] = mapped_column(String(200))
    # queued, sent, delivered, read, failed, undelivered: the provider's last word.
    status: Mapped[str | None] = mapped_column(String(16))
    error_code: Mapped[str | None] = mapped_column(String(32))
    error: Mapped[str | None] = mapped_column(Text)
    segments: Mapped[int | None]
    # What the provider charged, in millionths of ``currency`` (an SMS costs fractions of a
    # cent: $0.0079 is 7900), positive though Twilio reports it negative; None until known.
    price_micros: Mapped[int | None]
    currency: Mapped[str | None] = mapped_column(String(3))
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
