"""Delivery reports (RFC 3464 DSNs and the informal bounces some servers still send): find the
outbound message they are about and mark it failed, with the remote server's reason."""

from __future__ import annotations

import email
import re
from dataclasses import dataclass
from email import policy
from email.message import Message as MimeMessage

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from minidesk import outbox
from minidesk.channels.email.parse import ParsedMail, message_ids, part_text
from minidesk.desk.models import Direction, Message
from minidesk.event_kinds import EventKind
from minidesk.events import Actor, ActorType, emit

BOUNCE_SENDERS = re.compile(r"^(mailer-daemon|postmaster|mail-daemon)@", re.IGNORECASE)
OUR_MESSAGE_ID = re.compile(r"<?(md\.\d+\.t\d+\.[a-z2-7]+@[^\s<>]+)>?", re.IGNORECASE)
FAILED = "failed"
BOUNCER = Actor(ActorType.SYSTEM, name="email bounce")


@dataclass(frozen=True)
class Bounce:
    action: str
    recipient: str
    status: str
    diagnostic: str
    original_ids: tuple[str, ...]

    @property
    def failed(self) -> bool:
        return self.action == FAILED

    @property
    def reason(self) -> str:
        detail = self.diagnostic or f"status {self.status}"
        return f"bounced by the recipient's mail server ({self.recipient}): {detail}"


def _fields(part: MimeMessage) -> list[MimeMessage]:
    """The header blocks of a message/delivery-status part, however the parser held them."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return [p for p in payload if isinstance(p, MimeMessage)]
    text = part_text(part)
    return [email.message_from_string(b, policy=policy.default) for b in text.split("\n\n")]


def _original_ids(mail: ParsedMail) -> list[str]:
    ids: list[str] = []
    for part in mail.report_parts:
        ctype = part.get_content_type()
        if ctype == "message/rfc822":
            inner = part.get_payload()
            first = inner[0] if isinstance(inner, list) and inner else None
            if isinstance(first, MimeMessage):
                ids += message_ids(str(first.get("Message-ID", "")))
        elif ctype == "text/rfc822-headers":
            headers = email.message_from_string(part_text(part), policy=policy.default)
            ids += message_ids(str(headers.get("Message-ID", "")))
    # Informal bounces quote the original somewhere in the text; our ids are recognisable.
    for attachment in mail.attachments:
        ids += OUR_MESSAGE_ID.findall(attachment.data.decode("latin-1"))
    ids += OUR_MESSAGE_ID.findall(mail.text)
    return list(dict.fromkeys(ids))


def looks_like_bounce(mail: ParsedMail) -> bool:
    return (
        mail.content_type == "multipart/report"
        or BOUNCE_SENDERS.match(mail.from_address or "") is not None
        or mail.header("Return-Path").strip() == "<>"
    )


def read_bounce(mail: ParsedMail) -> Bounce:
    action, recipient, status, diagnostic = FAILED, "", "", ""
    for part in mail.report_parts:
        if part.get_content_type() != "message/delivery-status":
            continue
        for block in _fields(part):
            if block.get("Action"):
                action = str(block["Action"]).strip().lower()
                recipient = str(block.get("Final-Recipient", "")).split(";")[-1].strip()
                status = str(block.get("Status", "")).strip()
                diagnostic = str(block.get("Diagnostic-Code", "")).split(";", 1)[-1].strip()
                break
    if not recipient:
        recipient = mail.header("X-Failed-Recipients") or "unknown recipient"
    diagnostic = " ".join(diagnostic.split())
    return Bounce(action, recipient, status, diagnostic, tuple(_original_ids(mail)))


def apply_bounce(session: Session, bounce: Bounce) -> int | None:
    """Mark the bounced outbound message failed (idempotent); its id, or None if unknown."""
    if not bounce.original_ids:
        return None
    message = session.scalars(
        select(Message).where(
            Message.external_id.in_(bounce.original_ids),
            Message.direction == Direction.OUTBOUND,
        )
    ).first()
    if message is None or not bounce.failed:
        return message.id if message else None
    if message.delivery_status == outbox.DeliveryStatus.FAILED:
        return message.id  # a re-fetched bounce changes nothing
    message.delivery_status = outbox.DeliveryStatus.FAILED
    message.delivery_error = bounce.reason[:2000]
    # The outbox row becomes a dead letter so an admin can replay it once the address is fixed.
    session.execute(
        update(outbox.OutboxItem)
        .where(outbox.OutboxItem.message_id == message.id)
        .values(status=outbox.OutboxStatus.DEAD, last_error=bounce.reason[:2000])
    )
    emit(
        session,
        EventKind.DELIVERY_FAILED,
        BOUNCER,
        ticket_id=message.ticket_id,
        message_id=message.id,
        reason=bounce.reason,
        permanent=True,
        status=bounce.status,
        recipient=bounce.recipient,
    )
    return message.id
