"""What the chat socket asks of the database (blocking; run in threads): the channel as the
widget sees it, meeting a visitor, replaying their lines, turning a line into an
``InboundMessage`` (its attachments stored first), offline messages and read receipts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from minidesk.channels.base import InboundMessage, Sender
from minidesk.channels.chat import files, identity, lines
from minidesk.channels.chat.identity import Claim, IdentityRejected, Visitor
from minidesk.channels.chat.kind import ChatSettings
from minidesk.channels.chat.protocol import (
    MAX_ATTACHMENTS,
    MAX_TEXT,
    Error,
    Hello,
    Offline,
    Say,
    error,
)
from minidesk.channels.hours import BusinessHours
from minidesk.channels.models import Channel
from minidesk.channels.service import default_channel_id
from minidesk.db import get_db, utcnow
from minidesk.desk import public_writes
from minidesk.desk.models import Ticket
from minidesk.event_kinds import EventKind
from minidesk.events import Actor, ActorType, emit
from minidesk.settings import get_settings

CHAT = "chat"
EMAIL = "email"


class Refused(ValueError):
    def __init__(self, kind: Error, detail: str) -> None:
        super().__init__(detail)
        self.error = kind
        self.detail = detail


@dataclass(frozen=True)
class Widget:
    """A chat channel as its sockets need it, read once per connection."""

    id: int
    name: str
    settings: ChatSettings
    hours: BusinessHours | None

    def allows(self, origin: str | None) -> bool:
        if not origin:
            return False
        parts = urlsplit(origin)
        return f"{parts.scheme}://{parts.netloc.lower()}" in self.settings.allowed_origins

    def is_open(self) -> bool:
        return self.hours is None or self.hours.is_open(utcnow())


def load_widget(channel_id: int) -> Widget | None:
    """The chat channel ``channel_id`` if it exists and is on."""
    with get_db().sessions() as session:
        channel = session.get(Channel, channel_id)
        if channel is None or channel.kind != CHAT or not channel.enabled:
            return None
        hours = channel.business_hours
        return Widget(
            channel.id,
            channel.name,
            ChatSettings.model_validate(channel.settings or {}),
            BusinessHours.model_validate(hours) if hours else None,
        )


@dataclass(frozen=True)
class Met:
    visitor: Visitor
    token: str | None
    tickets: set[int]
    errors: list[dict[str, Any]] = field(default_factory=list)

    def hello_frame(self, widget: Widget, agents_online: bool) -> dict[str, Any]:
        settings = widget.settings
        is_open = widget.is_open()
        offline = not is_open or (settings.offline_when_no_agents and not agents_online)
        return {
            "type": "hello",
            "visitor": self.visitor.id,
            "token": self.token,
            "name": self.visitor.name,
            "email": self.visitor.verified_email or self.visitor.email,
            "verified": self.visitor.verified,
            "title": widget.name,
            "open": is_open,
            "agents_online": agents_online,
            "offline": offline,
            "greeting": settings.offline_greeting if offline else settings.greeting,
            "require_email": settings.require_email,
            "limits": {
                "text": MAX_TEXT,
                "attachments": MAX_ATTACHMENTS,
                "attachment_bytes": settings.attachment_max_bytes,
                "attachment_types": settings.attachment_types,
            },
        }


def meet(widget: Widget, hello: Hello, host: str) -> Met:
    """The visitor behind the hello's token (new if none), with what the page vouches for; a
    claim whose signature fails is dropped (the visitor goes on unverified) and said so.

    A new visitor is a public write from ``host``: over the address's limit this raises
    ``PublicWritesThrottled`` and nothing is created (a flood of token-less hellos would
    otherwise fill the visitors table). A returning visitor costs nothing."""
    claim = Claim(hello.name, hello.email, hello.user_id, hello.user_hash)
    errors: list[dict[str, Any]] = []
    with get_db().transaction() as session:
        channel = session.get_one(Channel, widget.id)
        try:
            visitor, token = identity.do_meet(session, channel, hello.token, claim)
        except IdentityRejected as rejected:
            errors.append(error(Error.IDENTITY, str(rejected)))
            unsigned = Claim(hello.name, hello.email)
            visitor, token = identity.do_meet(session, channel, hello.token, unsigned)
        if token is not None:
            public_writes.take(session, get_settings(), host, utcnow())
        tickets = lines.tickets_of(session, widget.id, visitor.id)
    return Met(visitor, token, tickets, errors)


def replay(widget: Widget, visitor: Visitor, after: int) -> list[dict[str, Any]]:
    """The visitor's lines after ``after``, then ``synced`` with the last seq there is."""
    with get_db().sessions() as session:
        found = lines.history(session, widget.id, visitor.id, after)
    frames = [line.frame for line in found]
    last = max([after, *(int(frame["seq"]) for frame in frames)])
    return [*frames, {"type": "synced", "last_seq": last}]


def line(widget: Widget, visitor: Visitor, say: Say, page: str) -> InboundMessage:
    """``say`` as the inbox takes it; its attachments are checked and stored first (a refused
    one refuses the line: the visitor sees why and sends it again without)."""
    try:
        checked = [files.check(upload, widget.settings) for upload in say.attachments]
    except files.Refused as refused:
        kind = Error.TOO_LARGE if refused.too_large else Error.ATTACHMENT_TYPE
        raise Refused(kind, refused.detail) from None
    if checked:
        with get_db().transaction() as session:
            files.write(session, checked)
    return InboundMessage(
        channel=CHAT,
        channel_id=widget.id,
        # The visitor's namespace: two visitors' "m-1" are two lines, one visitor's is one.
        external_id=f"{visitor.id}:{say.id}",
        sender=visitor.sender(),
        text=say.text,
        thread_key=visitor.thread_key,
        attachments=tuple(file.attachment() for file in checked),
        meta={"chat": {**_meta(visitor, page), **_choice(say)}},
    )


def offline_message(
    widget: Widget, visitor: Visitor, offline: Offline, page: str
) -> InboundMessage:
    """An offline message as an email to the shop's mailbox: the reply goes to the address
    the visitor left, which is all this proves; no order is acted on for an unverified one."""
    mailbox = _mailbox(widget.settings.offline_mailbox_id)
    email = offline.email.strip().lower()
    verified = email == visitor.verified_email
    return InboundMessage(
        channel=EMAIL,
        channel_id=mailbox,
        external_id=f"chat-offline:{widget.id}:{visitor.id}:{offline.id}",
        sender=Sender(email=email, name=offline.name or visitor.name, verified=verified),
        subject=f"Chat message from {offline.name or email} ({widget.name})",
        text=offline.text,
        new_conversation=True,
        meta={"chat": {**_meta(visitor, page), "offline": True}},
    )


def _mailbox(chosen: int | None) -> int:
    """The mailbox offline messages go to: the one chosen if it is a mailbox (an id that
    names another kind of channel, or none, falls back to the first mailbox)."""
    if chosen is not None:
        with get_db().sessions() as session:
            channel = session.get(Channel, chosen)
            if channel is not None and channel.kind == EMAIL:
                return chosen
    return default_channel_id(get_db(), EMAIL)


def _meta(visitor: Visitor, page: str) -> dict[str, Any]:
    """What agents see about the visitor: the email as typed is marked unverified."""
    return {
        "visitor_id": visitor.id,
        "typed_email": visitor.email,
        "verified": visitor.verified,
        "page": page,
    }


def _choice(say: Say) -> dict[str, Any]:
    """The answer the visitor tapped (or commented on), for the feature that offered it."""
    if say.choice is None:
        return {}
    return {"choice": say.choice, "choice_comment": say.comment}


def mark_read(visitor: Visitor, seq: int) -> None:
    """Record that the visitor saw their lines up to ``seq`` (one of their own tickets'), as
    an event on that ticket: agents see it on the stream."""
    with get_db().transaction() as session:
        found = [ln for ln in lines.by_ids(session, [seq]) if ln.visitor_id == visitor.id]
        if not found or not identity.do_mark_read(session, visitor.id, seq):
            return
        ticket = session.get_one(Ticket, found[0].ticket_id)
        actor = Actor(ActorType.CUSTOMER, ticket.customer_id, visitor.name)
        emit(
            session,
            EventKind.CHAT_READ,
            actor,
            ticket_id=found[0].ticket_id,
            message_id=seq,
            visitor_id=visitor.id,
            seq=seq,
        )
