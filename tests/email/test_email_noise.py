"""Loop and noise protection: no automatic reply to auto-responders, lists or robots, a rate
limit per sender, and DSN bounces mark the outbound message failed."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Cast
from tests.email.conftest import Sink, fixture
from tests.email.mailflow import agent_reply, customer_mail, receive, ticket_of

from minidesk.channels.email.receive import Outcome
from minidesk.db import Database
from minidesk.desk.messages import do_reply
from minidesk.desk.models import Message, Ticket
from minidesk.events import Actor, ActorType, Event

BOT = Actor(ActorType.AUTOMATION, name="acknowledgement rule")


def _auto_reply(database: Database, ticket: int) -> Message:
    with database.transaction() as session:
        message = do_reply(session, session.get_one(Ticket, ticket), "We got your mail.", BOT)
        message_id = message.id
    with database.sessions() as session:
        return session.get_one(Message, message_id)


def test_an_auto_submitted_mail_gets_no_automatic_reply(
    client: TestClient, cast: Cast, sink: Sink, support: int, database: Database
) -> None:
    first = receive(customer_mail("emma.larsen@example.com", "Order", "Where is it?"))
    ticket = ticket_of(first)
    sent = agent_reply(client, cast.alice, ticket, sink, "Shipped.")
    values = {"ticket": ticket, "our_message_id": str(sent["Message-ID"]).strip("<>")}
    ooo = receive(fixture("auto_reply.eml", **values))
    assert ticket_of(ooo) == ticket
    before = len(sink.messages)
    assert _auto_reply(database, ticket).delivery_status == "suppressed"
    assert len(sink.messages) == before


def test_automatic_replies_are_rate_limited_per_sender(
    sink: Sink, support: int, database: Database, email_settings: object
) -> None:
    ticket = ticket_of(receive(customer_mail("emma.larsen@example.com", "Q", "Hello")))
    statuses = [_auto_reply(database, ticket).delivery_status for _ in range(6)]
    # Other automation (an acknowledgement, say) may already have used some of the budget.
    automatic = [m for m in sink.messages if m["Auto-Submitted"] == "auto-replied"]
    assert len(automatic) == 5
    assert statuses[-1] == "suppressed"


def test_a_dsn_bounce_marks_the_reply_failed_without_opening_a_ticket(
    client: TestClient, cast: Cast, sink: Sink, support: int, database: Database
) -> None:
    ticket = ticket_of(receive(customer_mail("emma.larsen@example.com", "Order", "Where?")))
    sent = agent_reply(client, cast.alice, ticket, sink, "Shipped.")
    values = {"ticket": ticket, "our_message_id": str(sent["Message-ID"]).strip("<>")}
    bounce = receive(fixture("dsn_bounce.eml", **values))
    assert bounce.outcome == Outcome.BOUNCE
    assert receive(fixture("dsn_bounce.eml", **values)).outcome == Outcome.DUPLICATE
    with database.sessions() as session:
        assert len(session.scalars(select(Ticket)).all()) == 1
        reply = session.scalars(select(Message).where(Message.text == "Shipped.")).one()
        assert reply.delivery_status == "failed"
        assert reply.delivery_error is not None
        assert "550 5.1.1" in reply.delivery_error and "User unknown" in reply.delivery_error
        failures = session.scalars(select(Event).where(Event.kind == "delivery.failed")).all()
        assert len(failures) == 1
