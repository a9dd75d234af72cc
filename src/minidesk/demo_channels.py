"""The demo's live channels: a website chat widget, an SMS number (Twilio) and a WhatsApp
number (Cloud API), each with a few open conversations an agent can answer.

The SMS and WhatsApp instances carry placeholder credentials (``providers.PLACEHOLDER``):
the demo never reaches a provider, and a reply on them becomes a dead letter at once that
says so (Admin → Dead letters), which is what a real outage with a wrong key looks like too.
The texters write from the sample shop's phone numbers, so their customers show merge
suggestions with the email customers the store knows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from minidesk import inbox, pipeline
from minidesk.channels.base import InboundMessage, Sender
from minidesk.channels.chat.conversation import CHAT
from minidesk.channels.models import Channel
from minidesk.channels.providers import PLACEHOLDER
from minidesk.channels.service import do_create_channel
from minidesk.channels.sms.kind import SMS
from minidesk.channels.whatsapp.kind import WHATSAPP
from minidesk.commerce.sample import demo_handle
from minidesk.db import Database, utcnow
from minidesk.desk import users
from minidesk.desk.models import Message, Ticket
from minidesk.events import SYSTEM, Event

CHAT_NAME = "Website chat"
SMS_NAME = "SMS +1 555 010 0100 (demo: placeholder Twilio credentials)"
WHATSAPP_NAME = "WhatsApp +1 555 010 0200 (demo: placeholder Cloud API credentials)"
# Where the banner suggests serving a page to try the widget from (``python -m http.server
# 8080``): a widget is refused on every origin its channel does not list.
DEMO_ORIGINS = ["http://localhost:8080", "http://127.0.0.1:8080"]


def _instances(session: Session) -> dict[str, int]:
    """The three instances, created once (found again by name on a re-run)."""
    support = users.get_or_create_team(session, "Support", SYSTEM).id
    wanted = {
        CHAT: (CHAT_NAME, {"allowed_origins": DEMO_ORIGINS}, {}),
        SMS: (
            SMS_NAME,
            {"account_sid": "AC" + "0" * 32, "phone_number": "+15550100100"},
            {"auth_token": PLACEHOLDER},
        ),
        WHATSAPP: (
            WHATSAPP_NAME,
            {
                "phone_number_id": "100000000000000",
                "display_phone_number": "+1 555 010 0200",
                # Outside the 24-hour window only an approved template may go out.
                "templates": [{"name": "order_update", "language": "en_US", "parameters": 1}],
            },
            {"access_token": PLACEHOLDER, "app_secret": PLACEHOLDER, "verify_token": PLACEHOLDER},
        ),
    }
    found: dict[str, int] = {}
    for kind, (name, settings, secrets) in wanted.items():
        existing = session.scalars(
            select(Channel.id).where(Channel.kind == kind, Channel.name == name)
        ).first()
        if existing is None:
            values = {"name": name, "team_id": support, "settings": settings, "secrets": secrets}
            existing = do_create_channel(session, kind, values, SYSTEM).id
        found[kind] = existing
    return found


@dataclass(frozen=True)
class Line:
    kind: str
    person: int  # the sample shop's customer index (their phone number)
    text: str
    minutes_ago: int


# Open conversations, all recent: WhatsApp's free-form replies need the customer's last
# message to be under 24 hours old, and chat and SMS customers expect minutes, not days.
LINES = [
    Line(CHAT, 3, "Hi! Do you have the linen shirt in medium?", 25),
    Line(CHAT, 8, "My discount code WELCOME10 says it's expired, can you help?", 50),
    Line(CHAT, 11, "Is it possible to pick up an order in the shop?", 95),
    Line(SMS, 1, "Hi, where is my order #1002? It should have arrived yesterday", 140),
    Line(SMS, 5, "Can I change the delivery address for order 1006?", 200),
    Line(SMS, 5, "It's a new flat, same street, number 12", 190),
    Line(WHATSAPP, 2, "Hello, I'd like to return the jacket from order 1003", 300),
    Line(WHATSAPP, 7, "Do you ship to Canada, and how long does it take?", 420),
    Line(WHATSAPP, 9, "The mug from my order arrived broken 😞", 600),
]


def _message(kind: str, channel_id: int, index: int, line: Line) -> InboundMessage:
    name, _, phone = demo_handle(line.person)
    external_id = f"demo-{kind}-{index}"
    if kind == CHAT:
        visitor = f"demo-visitor-{line.person}"
        sender = Sender(chat_id=f"chat:{channel_id}:{visitor}", name=name.split()[0])
        return InboundMessage(
            channel=CHAT, channel_id=channel_id, external_id=f"{visitor}:{external_id}",
            sender=sender, text=line.text, thread_key=f"visitor:{visitor}",
        )  # fmt: skip
    # As the providers report them: the number is proven by the network.
    meta = {"sms": {"from": phone, "to": "+15550100100"}} if kind == SMS else {"whatsapp": {}}
    return InboundMessage(
        channel=kind, channel_id=channel_id, external_id=external_id,
        sender=Sender(phone=phone, name=name if kind == WHATSAPP else "", verified=True),
        text=line.text, meta=meta,
    )  # fmt: skip


def seed_live_channels(database: Database) -> int:
    """Create the three instances and their conversations (both idempotent: messages have
    fixed external ids); returns the chat widget's channel id for the snippet."""
    with database.transaction() as session:
        channels = _instances(session)
    now = utcnow()
    for index, line in enumerate(LINES):
        kind = line.kind
        accepted = inbox.accept(_message(kind, channels[kind], index, line), db=database)
        if accepted.duplicate:
            continue
        pipeline.process(accepted.inbox_id, database)
        _backdate(database, accepted.inbox_id, now - dt.timedelta(minutes=line.minutes_ago))
    return channels[CHAT]


def _backdate(database: Database, inbox_id: int, at: dt.datetime) -> None:
    """Date the message (and a ticket it opened) ``at``, so the inbox reads like a day."""
    with database.transaction() as session:
        message = session.scalars(select(Message).where(Message.inbox_id == inbox_id)).first()
        if message is None:
            return
        message.created_at = at
        ticket = session.get_one(Ticket, message.ticket_id)
        ticket.last_inbound_at = at
        if ticket.created_at > at:  # it opened the ticket just now
            ticket.created_at = at
            session.execute(update(Event).where(Event.ticket_id == ticket.id).values(created_at=at))


def widget_snippet(url: str, channel_id: int) -> str:
    return f'<script src="{url}/widget.js" data-channel="{channel_id}" async></script>'
