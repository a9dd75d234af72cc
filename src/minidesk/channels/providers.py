"""What provider-backed kinds (SMS, WhatsApp) share: reading an instance with its opened
secrets, and the URL a provider is told to call back on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.channels import secrets
from minidesk.channels.base import DeliveryError, OutboundMessage
from minidesk.channels.models import Channel
from minidesk.desk.models import Direction, Message
from minidesk.settings import get_settings

# What ``minidesk demo`` stores in place of a provider's credentials: a reply on such a
# channel becomes a dead letter at once, before any request, rather than retrying against a
# provider that would refuse it (or leaving the demo waiting on the network).
PLACEHOLDER = "demo-placeholder-not-a-credential"


@dataclass(frozen=True)
class Configured:
    id: int
    kind: str
    enabled: bool
    settings: dict[str, Any]
    secrets: dict[str, Any]


def configured(session: Session, channel_id: int, kind: str) -> Configured | None:
    """The ``kind`` instance ``channel_id`` with its secrets opened; None if there is none.
    Raises ``CredentialError`` when the secrets cannot be decrypted."""
    channel = session.get(Channel, channel_id)
    if channel is None or channel.kind != kind:
        return None
    opened = secrets.unseal(channel.secrets_encrypted)
    return Configured(
        channel.id, channel.kind, channel.enabled, dict(channel.settings or {}), opened
    )


def public_url(path: str) -> str:
    """``path`` on this desk as the world reaches it (``MINIDESK_PUBLIC_URL``): what Twilio
    signs and what providers are told to call back on."""
    return get_settings().public_url.rstrip("/") + path


def check_not_placeholder(channel: Configured) -> None:
    """Refuse, permanently, to send with the demo's placeholder credentials."""
    if PLACEHOLDER in channel.secrets.values():
        raise DeliveryError(
            f"{channel.kind} channel {channel.id} has the demo's placeholder credentials, so "
            "nothing was sent: enter the provider's real ones (Admin → Channels), then replay",
            permanent=True,
        )


def last_sender(session: Session, message: OutboundMessage, kind: str) -> str | None:
    """Who the customer last wrote from on this ticket and channel instance (``meta[kind]
    ["from"]`` of its newest inbound message): a reply goes back to that number or id."""
    if not message.ticket_id:
        return None
    meta = session.scalars(
        select(Message.meta)
        .where(
            Message.ticket_id == message.ticket_id,
            Message.channel_id == message.channel_id,
            Message.direction == Direction.INBOUND,
        )
        .order_by(Message.id.desc())
        .limit(1)
    ).first()
    found = (meta or {}).get(kind) or {}
    return str(found["from"]) if found.get("from") else None
