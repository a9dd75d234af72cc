"""Replies from every common client land on their ticket, strongest signal first: our
Message-ID in In-Reply-To/References, then the signed Reply-To plus-address and the subject
token. Forged tokens attach nothing; solved tickets reopen or get a linked follow-up."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Cast
from tests.email.conftest import SUPPORT, Sink, fixture
from tests.email.mailflow import agent_reply, customer_mail, inbound_texts, receive, ticket_of

from minidesk.channels.email import tokens
from minidesk.db import Database, utcnow
from minidesk.desk.models import Status, Ticket

CLIENT_REPLIES = {
    "gmail_reply.eml": "Thanks! The tracking number works now. Could you also change the "
    "delivery\naddress to my office?",
    "apple_mail_reply.eml": "Perfect, thank you 🙏",
    "thunderbird_reply.eml": "Danke, the parcel arrived this morning. Everything is fine.\n\nJonas",
}
SENDERS = {
    "gmail_reply.eml": "Emma Larsen <emma.larsen@example.com>",
    "apple_mail_reply.eml": "Emma Larsen <emma.larsen@example.com>",
    "thunderbird_reply.eml": "Jonas Weber <jonas.weber@example.org>",
    "outlook_reply.eml": "John Doe <John.Doe@contoso.example>",
}


def _conversation(
    client: TestClient, cast: Cast, sink: Sink, sender: str
) -> tuple[int, dict[str, str]]:
    first = receive(customer_mail(sender, "Where is my order #1001?", "It has not arrived."))
    ticket = ticket_of(first)
    sent = agent_reply(client, cast.alice, ticket, sink, "Your parcel left our warehouse.")
    values = {
        "ticket": str(ticket),
        "our_message_id": str(sent["Message-ID"]).strip("<>"),
        "reply_to": str(sent["Reply-To"]),
    }
    return ticket, values


@pytest.mark.parametrize("name", sorted(CLIENT_REPLIES))
def test_a_client_reply_lands_on_its_ticket_with_only_the_new_text(
    name: str, client: TestClient, cast: Cast, sink: Sink, support: int
) -> None:
    ticket, values = _conversation(client, cast, sink, SENDERS[name])
    reply = receive(fixture(name, **values))
    assert ticket_of(reply) == ticket
    assert inbound_texts(ticket)[-1] == CLIENT_REPLIES[name]


def test_an_outlook_reply_without_in_reply_to_lands_on_its_ticket(
    client: TestClient, cast: Cast, sink: Sink, support: int
) -> None:
    ticket, values = _conversation(client, cast, sink, SENDERS["outlook_reply.eml"])
    raw = fixture("outlook_reply.eml", **values)
    assert b"In-Reply-To" not in raw and b"References" not in raw
    assert ticket_of(receive(raw)) == ticket
    assert inbound_texts(ticket)[-1] == (
        'Hello,\n\nIt still says "label created". Can you check with the courier please?\n\n'
        "Kind regards,\nJohn Doe\nPurchasing | Contoso Ltd"
    )


def test_an_outlook_reply_to_the_plain_address_threads_on_the_subject_token(
    client: TestClient, cast: Cast, sink: Sink, support: int
) -> None:
    ticket, values = _conversation(client, cast, sink, SENDERS["outlook_reply.eml"])
    raw = fixture("outlook_reply.eml", **{**values, "reply_to": SUPPORT})
    assert ticket_of(receive(raw)) == ticket


def test_a_new_mail_without_signals_opens_a_new_ticket_even_with_one_open(
    client: TestClient, cast: Cast, sink: Sink, support: int
) -> None:
    ticket, _ = _conversation(client, cast, sink, "emma.larsen@example.com")
    other = receive(customer_mail("emma.larsen@example.com", "Another question", "Gift wrap?"))
    assert ticket_of(other) != ticket


def test_a_forged_plus_address_attaches_nothing(
    client: TestClient, cast: Cast, sink: Sink, support: int
) -> None:
    ticket, _ = _conversation(client, cast, sink, "emma.larsen@example.com")
    forged = f"support+t{ticket}-aaaaaaaaaa@shop.example"
    raw = customer_mail("emma.larsen@example.com", "Hello", "Attach me", to=forged)
    assert ticket_of(receive(raw)) != ticket


def test_a_valid_token_does_not_attach_another_customers_mail(
    client: TestClient, cast: Cast, sink: Sink, support: int
) -> None:
    ticket, values = _conversation(client, cast, sink, "emma.larsen@example.com")
    raw = customer_mail(
        "mallory@example.net", f"Re: Where is my order #1001? [#{ticket}]", "Mine now",
        to=values["reply_to"], in_reply_to=f"<{values['our_message_id']}>",
    )  # fmt: skip
    assert ticket_of(receive(raw)) != ticket
    assert tokens.verified_plus_ticket([values["reply_to"]]) == ticket


def test_a_reply_to_a_recently_solved_ticket_reopens_it(
    client: TestClient, cast: Cast, sink: Sink, support: int, database: Database
) -> None:
    ticket, values = _conversation(client, cast, sink, SENDERS["gmail_reply.eml"])
    client.patch(f"/api/v1/tickets/{ticket}", json={"status": "solved"}, headers=cast.alice.headers)
    assert ticket_of(receive(fixture("gmail_reply.eml", **values))) == ticket
    with database.sessions() as session:
        assert session.get_one(Ticket, ticket).status == Status.OPEN


def test_a_reply_after_the_window_opens_a_linked_follow_up(
    client: TestClient, cast: Cast, sink: Sink, support: int, database: Database
) -> None:
    ticket, values = _conversation(client, cast, sink, SENDERS["gmail_reply.eml"])
    client.patch(f"/api/v1/tickets/{ticket}", json={"status": "solved"}, headers=cast.alice.headers)
    with database.transaction() as session:
        session.get_one(Ticket, ticket).solved_at = utcnow() - dt.timedelta(days=30)
    follow_up = ticket_of(receive(fixture("gmail_reply.eml", **values)))
    assert follow_up != ticket
    with database.sessions() as session:
        assert session.get_one(Ticket, follow_up).custom_fields["follow_up_of"] == ticket
        assert len(session.scalars(select(Ticket)).all()) == 2


def test_a_forwarded_mail_keeps_the_forwarded_content(support: int) -> None:
    ticket = ticket_of(receive(fixture("forwarded.eml")))
    [text] = inbound_texts(ticket)
    assert text.startswith("Is this mail really from you? I already paid.")
    assert "Your payment of 49.00 EUR for order #1001 failed." in text
