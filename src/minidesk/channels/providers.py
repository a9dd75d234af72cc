"""What provider-backed kinds (SMS, WhatsApp) share: reading an instance with its opened
secrets, and the URL a provider is told to call back on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from minidesk.channels import secrets
from minidesk.channels.models import Channel
from minidesk.settings import get_settings


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
