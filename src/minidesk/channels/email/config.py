"""Email channels (support addresses) as an admin configures them, and recipient matching.

An email channel is a ``channels`` row of kind email with an ``email_channels`` row of the same
id for the email settings; the name and on/off state live on the ``channels`` row and are kept
equal on both (``email_channels.name``/``active`` are what the email views and pollers read)."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.channels import kinds, secrets
from minidesk.channels.email import tokens
from minidesk.channels.email.models import EmailChannel, ImapSecurity, ProcessedAction
from minidesk.channels.models import Channel
from minidesk.db import Database, get_db
from minidesk.event_kinds import EventKind
from minidesk.events import Actor, emit
from minidesk.settings import SMTP_SCHEMES

EDITABLE = (
    "address", "name", "from_name", "signature", "active", "imap_host", "imap_port",
    "imap_security", "imap_username", "imap_password", "imap_folder", "imap_processed_action",
    "imap_move_to", "imap_ca_file", "webhook_key", "trusted_authserv_ids", "smtp_url",
)  # fmt: skip
KIND = "email"
# Written encrypted to ``<name>_encrypted`` and never read back out through the API.
SECRETS = ("imap_password", "webhook_key")
# Kept among the ``channels`` row's sealed secrets (the outgoing server of this mailbox).
CHANNEL_SECRETS = ("smtp_url",)
# Recipient checks run for every RCPT and every mail; a short cache keeps them off the
# database without making an admin's change wait long.
CACHE_SECONDS = 5.0
MAX_TRUSTED_AUTHSERV_IDS = 10
# An authserv-id is a domain name (RFC 8601 section 2.5); nothing else can match one.
AUTHSERV_ID = re.compile(
    r"^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$"
)


class ChannelError(kinds.ChannelError):
    pass


@dataclass(frozen=True)
class Address:
    channel_id: int
    address: str
    from_name: str
    signature: str
    trusted_authserv_ids: tuple[str, ...] = ()


_cache: tuple[float, str, dict[str, Address]] | None = None


def base_address(address: str) -> str:
    """``support+t12-abc@shop.example`` → ``support@shop.example`` (lower-cased)."""
    local, _, domain = address.strip().lower().partition("@")
    return f"{local.split('+', 1)[0]}@{domain}"


def addresses(db: Database | None = None) -> dict[str, Address]:
    """Active support addresses → their channel, cached for a few seconds."""
    global _cache
    db = db or get_db()
    now = time.monotonic()
    if _cache is not None and _cache[1] == db.url and now - _cache[0] < CACHE_SECONDS:
        return _cache[2]
    with db.sessions() as session:
        rows = session.scalars(select(EmailChannel).where(EmailChannel.active.is_(True)))
        found = {
            row.address: Address(
                row.id,
                row.address,
                row.from_name,
                row.signature,
                tuple(row.trusted_authserv_ids or ()),
            )
            for row in rows
        }
    _cache = (now, db.url, found)
    return found


def forget_cache() -> None:
    global _cache
    _cache = None


def match(recipients: list[str], db: Database | None = None) -> Address | None:
    known = addresses(db)
    for recipient in recipients:
        found = known.get(base_address(recipient))
        if found is not None:
            return found
    return None


def check_values(values: dict[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise ChannelError(
            f"unknown email channel fields: {', '.join(sorted(unknown))}; "
            f"editable: {', '.join(EDITABLE)}"
        )
    checked = dict(values)
    if "address" in checked:
        address = str(checked["address"]).strip().lower()
        local, at, domain = address.partition("@")
        if not at or not local or "." not in domain or "+" in local:
            raise ChannelError(
                f"address {address!r} is not a plain address like support@shop.example"
            )
        checked["address"] = address
    if checked.get("imap_security") not in (None, *ImapSecurity):
        raise ChannelError(
            f"imap_security must be one of {', '.join(ImapSecurity)} (plaintext IMAP is refused)"
        )
    if "trusted_authserv_ids" in checked:
        checked["trusted_authserv_ids"] = check_authserv_ids(checked["trusted_authserv_ids"])
    smtp_url = checked.get("smtp_url")
    if smtp_url and urlsplit(str(smtp_url)).scheme not in SMTP_SCHEMES:
        raise ChannelError(f"smtp_url: unsupported scheme; use one of {', '.join(SMTP_SCHEMES)}://")
    action = checked.get("imap_processed_action")
    if action not in (None, *ProcessedAction):
        raise ChannelError(f"imap_processed_action must be one of {', '.join(ProcessedAction)}")
    return checked


def check_authserv_ids(values: Any) -> list[str]:
    ids = [str(v).strip().lower() for v in values or []]
    if len(ids) > MAX_TRUSTED_AUTHSERV_IDS or not all(AUTHSERV_ID.match(v) for v in ids):
        raise ChannelError(
            f"trusted_authserv_ids must be at most {MAX_TRUSTED_AUTHSERV_IDS} host names "
            "like mx.google.com (the authserv-id of an Authentication-Results header)"
        )
    return list(dict.fromkeys(ids))


def _apply(session: Session, channel: EmailChannel, values: dict[str, Any]) -> list[str]:
    instance = session.get_one(Channel, channel.id)
    for key, value in values.items():
        if key in SECRETS:
            setattr(channel, f"{key}_encrypted", tokens.encrypt(value) if value else None)
        elif key in CHANNEL_SECRETS:
            kept = secrets.unseal(instance.secrets_encrypted)
            instance.secrets_encrypted = secrets.seal({**kept, key: value or None})
        else:
            setattr(channel, key, value)
    instance.name = channel.name or channel.address
    instance.enabled = channel.active
    if channel.imap_processed_action == ProcessedAction.MOVE and not channel.imap_move_to:
        raise ChannelError("imap_processed_action 'move' needs imap_move_to (a folder name)")
    # Secrets appear in the event only by name: the timeline must never hold a password.
    return sorted(values)


def do_create_channel(
    session: Session, values: dict[str, Any], actor: Actor, instance: Channel | None = None
) -> EmailChannel:
    """A new mailbox; ``instance`` is its ``channels`` row when the generic channel API made
    it, else one is made here."""
    checked = check_values(values)
    if "address" not in checked:
        raise ChannelError("an email channel needs an address")
    taken = select(EmailChannel.id).where(EmailChannel.address == checked["address"])
    if session.scalars(taken).first() is not None:
        raise ChannelError(f"{checked['address']} is already an email channel")
    if instance is None:
        instance = Channel(kind=KIND, name=checked["address"], settings={})
        session.add(instance)
        session.flush()
    # Column defaults apply at flush; ``_apply`` reads them before.
    channel = EmailChannel(id=instance.id, name="", active=True,
                           imap_processed_action=ProcessedAction.MARK_SEEN)  # fmt: skip
    session.add(channel)
    changed_fields = _apply(session, channel, checked)
    session.flush()
    emit(session, EventKind.EMAIL_CHANNEL_CREATED, actor, channel_id=channel.id,
         address=channel.address, fields=changed_fields)  # fmt: skip
    forget_cache()
    return channel


def do_update_channel(
    session: Session, channel: EmailChannel, values: dict[str, Any], actor: Actor
) -> EmailChannel:
    checked = check_values(values)
    if checked.get("imap_host") is not None or "imap_folder" in checked:
        # Another mailbox: its UIDs mean nothing here, start from its beginning.
        channel.imap_uidvalidity, channel.imap_last_uid = None, 0
    changed_fields = _apply(session, channel, checked)
    emit(session, EventKind.EMAIL_CHANNEL_UPDATED, actor, channel_id=channel.id,
         fields=changed_fields)  # fmt: skip
    forget_cache()
    return channel


def ensure_support_address(address: str, actor: Actor, db: Database | None = None) -> int:
    """The channel for ``address``, created if missing (``MINIDESK_SUPPORT_ADDRESS``)."""
    checked = check_values({"address": address})["address"]
    with (db or get_db()).transaction() as session:
        existing = session.scalars(
            select(EmailChannel).where(EmailChannel.address == checked)
        ).first()
        if existing is not None:
            return existing.id
        return do_create_channel(session, {"address": checked}, actor).id
