"""The flows speak through the replies engine: per-channel bodies (a short SMS, an email with a
subject), the template recorded on the message, and a template the shop switched off hands
the conversation to a person instead of sending a message with a blank in it."""

from __future__ import annotations

from sqlalchemy import select
from tests.conftest import ingest
from tests.resolutions.conftest import EMMA, kinds, replies, templates, ticket

from minidesk import outbox
from minidesk.channels.base import InboundMessage, Sender
from minidesk.commerce.sample import demo_handle
from minidesk.db import Database
from minidesk.events import SYSTEM
from minidesk.replies import sms
from minidesk.replies.defaults import DEFAULTS
from minidesk.replies.store import do_save_template


def emma_says(text: str, key: str, channel: str = "email") -> int:
    _name, email, phone = demo_handle(0)
    assert email == EMMA
    sender = (
        Sender(email=email, verified=True)
        if channel == "email"
        else Sender(phone=phone, verified=True)
    )
    message = InboundMessage(
        channel=channel,
        external_id=key,
        text=text,
        subject="Order" if channel == "email" else "",
        sender=sender,
    )
    ticket_id, _ = ingest(message)
    return ticket_id


def test_tracking_by_email_has_the_shipment_update_subject(store: Database) -> None:
    number = emma_says("where is my order 1001?", "<t1@example.com>")
    with store.sessions() as session:
        item = session.scalars(
            select(outbox.OutboxItem).where(outbox.OutboxItem.ticket_id == number)
        ).one()
    assert item.payload["subject"] == "Order #1001 — Shipment Update"
    assert item.payload["meta"]["template"] == "order_status"
    assert item.payload["meta"]["variant"] == "A"
    assert '<a href="https://tools.usps.com/' in item.payload["html"]


def test_tracking_by_sms_is_the_short_body(store: Database) -> None:
    number = emma_says("where is my order 1001?", "sms-1", channel="sms")
    [text] = replies(store, number)
    assert text.startswith("Order #1001 is with USPS (1Z")
    assert text.count("Track: https://") == 1
    assert sms.measure(text).segments <= 2


def test_a_switched_off_template_hands_off_instead(store: Database) -> None:
    with store.transaction() as session:
        do_save_template(session, DEFAULTS["order_status"], SYSTEM, enabled=False)
    number = emma_says("where is my order 1001?", "<t2@example.com>")
    assert templates(store, number) == ["handoff"]
    assert "handoff" in ticket(store, number).tags
    [handed] = kinds(store, number, "resolution.handed_off")
    assert handed["rule"] == "reply.unrenderable"
    assert "order_status" in handed["reason"]
