"""Messages on a ticket: recording a customer's message, replying, adding internal notes."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

import nh3
from sqlalchemy.orm import Session

from minidesk import outbox
from minidesk.batch_ids import ensure_id
from minidesk.db import utcnow
from minidesk.desk.last_inbound import last_inbound
from minidesk.desk.models import (
    Direction,
    Message,
    Status,
    Ticket,
    User,
)
from minidesk.event_kinds import EventKind
from minidesk.events import Actor, emit

# What a support reply legitimately needs; scripts, styles, forms and event handlers go.
ALLOWED_TAGS = {
    "a",
    "b",
    "blockquote",
    "br",
    "code",
    "div",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "hr",
    "i",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}


class MessageType(StrEnum):
    REPLY = "reply"
    NOTE = "note"


class MessageError(ValueError):
    pass


# An inline picture pasted into a mail is a data: URL; a bigger one is an attachment.
MAX_DATA_IMAGE_CHARS = 100_000
DATA_IMAGE = re.compile(r"data:image/(?:png|gif|jpeg|webp);base64,[A-Za-z0-9+/=\s]*", re.I)


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Images load only from the mail itself: a remote ``src`` is a tracking pixel that tells
    the sender when (and from which address) an agent read the mail, so it is dropped rather
    than proxied; the agent still sees the ``alt`` text. ``data:`` is kept only for bounded
    images, never for links."""
    url = value.strip().lower()
    if tag == "img" and attribute == "src":
        if url.startswith("cid:"):
            return value
        if len(value) <= MAX_DATA_IMAGE_CHARS and DATA_IMAGE.fullmatch(value.strip()):
            return value
        return None
    if url.startswith("data:"):
        return None
    return value


def sanitise_html(html: str | None) -> str | None:
    if not html:
        return None
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "cid", "data"},
        attribute_filter=_keep_attribute,
    )


def reply_channel(session: Session, ticket: Ticket) -> tuple[str, int | None]:
    """The channel a reply leaves on: the one the customer last wrote on (a conversation that
    moved from email to SMS is answered by SMS), else the ticket's own."""
    last = last_inbound(session, ticket.id)
    if last is None or last[1] is None:
        return ticket.channel, ticket.channel_id
    return last


def _check_reply(session: Session, ticket: Ticket, channel: str, channel_id: int,
                 meta: dict[str, Any], automated: bool) -> None:  # fmt: skip
    """The channel kind's own check (raises ``ReplyRefused``): WhatsApp's 24-hour window."""
    from minidesk import features
    from minidesk.channels import registry

    if channel not in features.channel_kinds():
        return
    check = registry.kind(channel).check_reply
    if check is not None:
        features.resolve(check)(session, ticket, channel_id, meta, automated)


def do_reply(
    session: Session,
    ticket: Ticket,
    text: str,
    actor: Actor,
    *,
    author: User | None = None,
    html: str | None = None,
    kind: MessageType = MessageType.REPLY,
    status: Status | None = None,
    meta: dict[str, Any] | None = None,
) -> Message:
    """Add a reply (sent through the ticket's channel via the outbox) or an internal note."""
    from minidesk.desk.tickets import do_set_status

    if not text.strip() and not html:
        raise MessageError(f"a {kind.value} needs text")
    if ticket.status == Status.CLOSED:
        raise MessageError(f"ticket {ticket.id} is closed; reply on its follow-up instead")
    is_note = kind == MessageType.NOTE
    channel, channel_id = (
        (ticket.channel, ticket.channel_id) if is_note else reply_channel(session, ticket)
    )
    if not is_note and channel_id is not None:
        _check_reply(session, ticket, channel, channel_id, meta or {}, actor.automated)
    message = Message(
        ticket_id=ticket.id,
        author_id=author.id if author else None,
        direction=Direction.NOTE if is_note else Direction.OUTBOUND,
        channel=channel,
        channel_id=channel_id,
        text=text,
        html=sanitise_html(html),
        automated=actor.automated,
        delivery_status=None if is_note else outbox.DeliveryStatus.QUEUED,
        meta=meta or {},
        created_at=utcnow(),  # read below, before the row is flushed
    )
    session.add(message)
    # Its id, for the events and the outbox row, without a flush per reply (``batch_ids``).
    ensure_id(session, message)
    if is_note:
        emit(
            session,
            EventKind.NOTE_ADDED,
            actor,
            ticket_id=ticket.id,
            customer_id=ticket.customer_id,
            message_id=message.id,
        )
    else:
        outbox.enqueue_message(session, message, ticket)
        if ticket.first_response_at is None:
            ticket.first_response_at = message.created_at
        emit(
            session,
            EventKind.MESSAGE_SENT,
            actor,
            ticket_id=ticket.id,
            customer_id=ticket.customer_id,
            message_id=message.id,
            channel=channel,
            automated=actor.automated,
        )
        if status is None and ticket.status == Status.NEW:
            status = Status.OPEN
    ticket.updated_at = utcnow()
    if status is not None:
        do_set_status(session, ticket, status, actor, why="set with reply")
    return message
