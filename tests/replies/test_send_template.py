"""Sending a template on a ticket: the ticket's own tokens, the outbox, template and variant
recorded on the message; a saved template overrides the built-in one of the same key."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound, ingest

from minidesk import outbox
from minidesk.channels.base import InboundMessage, Sender
from minidesk.db import Database
from minidesk.desk.messages import do_reply
from minidesk.desk.models import Message, Ticket
from minidesk.events import Actor, ActorType
from minidesk.replies import RenderError, do_send_template, render
from minidesk.replies.spec import Body, TemplateSpec
from minidesk.replies.store import do_save_template, do_seed_defaults, get_listed

BOT = Actor(ActorType.AUTOMATION, name="flows")


def test_send_records_template_and_variant(
    client: TestClient, cast: Cast, database: Database
) -> None:
    number = int(
        inbound(client, cast.alice, "Where is my parcel?", "s-1", name="Emma Garcia")[
            "ticket_number"
        ]
    )
    with database.transaction() as session:
        ticket = session.get_one(Ticket, number)
        message = do_send_template(
            session,
            ticket,
            "refund_offer",
            BOT,
            variables={
                "order_number": "1001",
                "amount": "$24.00",
                "card_brand": "Visa",
                "last4": "4242",
                "confirm_token": "YES REFUND",
            },
        )
        message_id = message.id
    with database.sessions() as session:
        message = session.get_one(Message, message_id)
        assert message.meta == {  # api: no subject
            "template": "refund_offer",
            "variant": "A",
            "language": "en",
        }
        assert message.automated and message.text.startswith("Hi Emma,")
        assert "Reply YES REFUND to confirm $24.00 to your Visa ending 4242." in message.text
        assert message.text.endswith("The My shop team")
        item = session.query(outbox.OutboxItem).filter_by(message_id=message_id).one()
        assert item.payload["meta"]["template"] == "refund_offer"


def test_an_email_reply_leaves_with_the_templates_subject(database: Database) -> None:
    mail = InboundMessage(
        channel="email",
        external_id="<s-3@example.com>",
        text="Where is my parcel?",
        subject="parcel??",
        sender=Sender(email="emma@example.com", name="Emma Garcia", verified=True),
    )
    ticket_id, _ = ingest(mail)
    with database.transaction() as session:
        message = do_send_template(
            session,
            session.get_one(Ticket, ticket_id),
            "order_status",
            BOT,
            variables={
                "order_number": "1001",
                "carrier": "UPS",
                "tracking_number": "1Z999",
                "tracking_url": "https://www.ups.com/track?tracknum=1Z999",
                "eta": "Thu 12 June",
            },
        )
        message_id = message.id
    with database.sessions() as session:
        item = session.query(outbox.OutboxItem).filter_by(message_id=message_id).one()
        assert item.payload["subject"] == "Order #1001 — Shipment Update"
        ticket = session.get_one(Ticket, ticket_id)
        assert ticket.subject == "parcel??"  # the ticket keeps the customer's own subject


def test_a_plain_reply_keeps_the_ticket_subject(database: Database) -> None:
    mail = InboundMessage(
        channel="email",
        external_id="<s-4@example.com>",
        text="Hello",
        subject="Question about sizes",
        sender=Sender(email="emma@example.com", verified=True),
    )
    ticket_id, _ = ingest(mail)
    with database.transaction() as session:
        ticket = session.get_one(Ticket, ticket_id)
        message = do_reply(session, ticket, "A size M fits.", BOT)
        message_id = message.id
    with database.sessions() as session:
        item = session.query(outbox.OutboxItem).filter_by(message_id=message_id).one()
        assert item.payload["subject"] == "Question about sizes"


def test_missing_variables_send_nothing(client: TestClient, cast: Cast, database: Database) -> None:
    number = int(inbound(client, cast.alice, "Hello", "s-2")["ticket_number"])

    def outbound() -> int:
        with database.sessions() as session:
            return session.query(Message).filter_by(ticket_id=number, direction="outbound").count()

    before = outbound()
    with (
        pytest.raises(RenderError, match="amount, card_brand, confirm_token, last4, order_number"),
        database.transaction() as session,
    ):
        do_send_template(session, session.get_one(Ticket, number), "refund_offer", BOT)
    assert outbound() == before


def test_saved_template_overrides_builtin_and_can_be_disabled(database: Database) -> None:
    custom = TemplateSpec(
        "handoff",
        "Hand-off",
        ("customer_name",),
        {
            "A": {
                "default": Body(
                    "Over to a human, {{ customer_name }}. {{ cta }}", "Sit tight.", "Handing over"
                )
            }
        },
    )
    with database.transaction() as session:
        do_save_template(session, custom, BOT)
        rendered = render(session, "handoff", channel="chat", context={"customer_name": "Li"})
        assert rendered.text == "Over to a human, Li. Sit tight."
        listed = get_listed(session, "handoff")
        assert listed is not None and listed.builtin and listed.customised
        do_save_template(session, custom, BOT, enabled=False)
        with pytest.raises(RenderError, match="no enabled template 'handoff'"):
            render(session, "handoff", channel="chat", context={"customer_name": "Li"})


def test_seeding_defaults_is_idempotent(database: Database) -> None:
    with database.transaction() as session:
        first = do_seed_defaults(session, BOT)
        assert first > 10
        assert do_seed_defaults(session, BOT) == 0
