"""Sends email replies from the outbox over SMTP (``MINIDESK_SMTP_URL``), on connections
kept open between replies (``smtp_out``).

4xx answers and connection trouble raise a temporary ``DeliveryError`` (the outbox retries
with back-off); 5xx answers are permanent, so the reply becomes a dead letter with the
server's own words shown on the ticket.
"""

from __future__ import annotations

import smtplib
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from minidesk.channels import secrets
from minidesk.channels.base import DeliveryError, DeliveryResult, OutboundMessage
from minidesk.channels.email import config, noise, store, tokens
from minidesk.channels.email.compose import Context, OutgoingFile, compose
from minidesk.channels.email.models import EmailChannel
from minidesk.channels.email.smtp_out import SmtpPool
from minidesk.channels.models import Channel
from minidesk.db import get_db
from minidesk.desk.models import Attachment, Direction, Message
from minidesk.keys import CredentialError
from minidesk.settings import get_settings

SUPPRESSED = "suppressed"
PERMANENT_CODES = 500  # 5xx: the server will give the same answer next time


def _channel(
    session: Session, channel_id: int | None, inbound: list[dict[str, Any]]
) -> config.Address | None:
    """The mailbox the reply goes out through: the ticket's channel instance, else the address
    the customer first wrote to, from the cached list of active addresses (a deactivated one
    is read from its row: replies still come from where they wrote)."""
    active = {found.channel_id: found for found in config.addresses().values()}
    ids = [channel_id, *(meta.get("channel_id") for meta in inbound)]
    for candidate in ids:
        if not candidate:
            continue
        if candidate in active:
            return active[candidate]
        if (row := session.get(EmailChannel, candidate)) is not None:
            return config.Address(row.id, row.address, row.from_name, row.signature)
    # A ticket that started on another channel answers from the first active address.
    return min(active.values(), key=lambda found: found.channel_id, default=None)


def _context(message: OutboundMessage, recipient: str) -> Context | str:
    """The sending context, or the reason an automatic reply is suppressed."""
    settings = get_settings()
    with get_db().transaction() as session:
        # One read of the ticket's messages serves the sending address, the loop check and
        # the threading headers.
        rows = session.execute(
            select(Message.external_id, Message.direction, Message.meta)
            .where(Message.ticket_id == message.ticket_id)
            .order_by(Message.id)
        ).all()
        inbound = [row for row in rows if row.direction == Direction.INBOUND]
        inbound_meta = [(row.meta or {}).get("email", {}) for row in inbound]
        channel = _channel(session, message.channel_id, inbound_meta)
        if channel is None:
            raise DeliveryError("no email channel is configured to send from")
        instance = session.get(Channel, channel.channel_id)
        try:
            own_smtp = secrets.unseal(instance.secrets_encrypted if instance else None)
        except CredentialError as exc:
            raise DeliveryError(str(exc), permanent=True) from None
        smtp_url = own_smtp.get("smtp_url") or settings.smtp_url.get_secret_value()
        if not smtp_url:
            raise DeliveryError("MINIDESK_SMTP_URL is not set; replies wait until it is")
        if message.automated:
            block = inbound_meta[-1].get("no_auto_reply") if inbound_meta else None
            reason = noise.suppression(session, block, recipient, settings.email_auto_reply_limit)
            if reason:
                return reason
        domain = channel.address.partition("@")[2]
        own_id = tokens.message_id(message.outbox_id, message.ticket_id, domain)
        thread_ids = [row.external_id for row in rows if row.external_id not in (None, own_id)]
        replied = [row.external_id for row in inbound if row.external_id is not None]
        files = []
        for attachment in session.scalars(
            select(Attachment).where(Attachment.message_id == message.message_id)
        ):
            blob = store.get(session, attachment.storage_key or "")
            if blob is not None:
                files.append(OutgoingFile(attachment.filename, attachment.content_type, blob.data))
        # Recorded before sending so a reply to this mail threads even if we crash right after;
        # the id is deterministic per outbox row, so a retry sends the very same one.
        session.execute(
            update(Message)
            .where(Message.id == message.message_id, Message.external_id.is_(None))
            .values(external_id=own_id)
        )
        return Context(
            address=channel.address,
            from_name=channel.from_name,
            signature=channel.signature,
            message_id=own_id,
            thread_ids=thread_ids,
            in_reply_to=replied[-1] if replied else (thread_ids[-1] if thread_ids else None),
            files=files,
            smtp_url=smtp_url,
        )


def _text(value: bytes | str) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


def _error(exc: Exception, host: str) -> DeliveryError:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(exc.recipients.values()))
        reason = f"{host} refused the recipient: {code} {_text(text)}"
        return DeliveryError(reason, permanent=code >= PERMANENT_CODES)
    if isinstance(exc, smtplib.SMTPResponseException):
        reason = f"{host} answered {exc.smtp_code} {_text(exc.smtp_error)}"
        return DeliveryError(reason, permanent=exc.smtp_code >= PERMANENT_CODES)
    return DeliveryError(f"{host}: {type(exc).__name__}: {exc}")


class EmailAdapter:
    kind = "email"

    def __init__(self) -> None:
        # One per process (the registry caches the adapter): delivery threads share it.
        self.connections = SmtpPool()

    def send(self, message: OutboundMessage) -> DeliveryResult:
        recipient = message.recipient.get("email")
        if not recipient:
            raise DeliveryError("the customer has no email address", permanent=True)
        context = _context(message, recipient)
        if isinstance(context, str):
            return DeliveryResult(provider_id=None, status=SUPPRESSED)
        mail = compose(message, context)
        url = context.smtp_url
        host = urlsplit(url).hostname or "localhost"
        try:
            with self.connections.connection(url) as client:
                client.send_message(mail, from_addr=context.address, to_addrs=[recipient])
        except DeliveryError:
            raise
        except (smtplib.SMTPException, OSError) as exc:
            raise _error(exc, host) from exc
        return DeliveryResult(provider_id=context.message_id, status="sent")
