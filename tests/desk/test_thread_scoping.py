"""Thread keys, external ids and ticket hints are scoped: a key joins only its own customer's
conversation, and two API clients' ids never collide, while a client's retry stays a
duplicate."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from tests.conftest import Cast, Person, inbound, ingest

from minidesk.channels.base import InboundMessage, Sender
from minidesk.commerce.models import StoreRefund
from minidesk.db import Database
from minidesk.desk import users
from minidesk.desk.models import Message, Ticket
from minidesk.events import SYSTEM

EMMA = "emma.garcia@example.com"  # the sample shop's customer with order 1003
MALLORY = "mallory@example.com"



def integration(database: Database, cast: Cast, name: str) -> Person:
    with database.transaction() as session:
        user = session.get_one(users.User, cast.shop.id)
        _, secret = users.do_create_token(session, user, SYSTEM, integration=name)
    return Person(cast.shop.id, cast.shop.email, secret, cast.shop.role)


def texts(database: Database, ticket_id: object) -> list[str]:
    with database.sessions() as session:
        return list(
            session.scalars(
                select(Message.text)
                .where(Message.ticket_id == ticket_id, Message.direction == "inbound")
                .order_by(Message.id)
            )
        )


def test_another_customer_with_the_same_thread_key_gets_a_ticket_of_their_own(
    client: TestClient, cast: Cast, store: Database
) -> None:
    emma = inbound(
        client,
        cast.shop,
        "I want a refund of $25 for order 1003",
        "e1",
        email=EMMA,
        thread="conv-1",
    )
    # Mallory learnt Emma's conversation id; on main this landed on Emma's ticket and her
    # "YES REFUND" answered Emma's offer.
    mallory = inbound(client, cast.shop, "YES REFUND", "m1", email=MALLORY, thread="conv-1")
    assert mallory["ticket_number"] != emma["ticket_number"]
    assert texts(store, emma["ticket_number"]) == ["I want a refund of $25 for order 1003"]
    with store.sessions() as session:
        assert session.scalar(select(func.count()).select_from(StoreRefund)) == 0
        owner = session.get_one(Ticket, mallory["ticket_number"]).customer.email
        assert owner == MALLORY
    # Each customer's key still threads their own conversation.
    again = inbound(client, cast.shop, "and another thing", "m2", email=MALLORY, thread="conv-1")
    assert again["ticket_number"] == mallory["ticket_number"]
    back = inbound(client, cast.shop, "thanks", "e2", email=EMMA, thread="conv-1")
    assert back["ticket_number"] == emma["ticket_number"]


def test_a_thread_key_is_the_api_clients_own(
    client: TestClient, cast: Cast, database: Database
) -> None:
    other = integration(database, cast, "other-app")
    first = inbound(client, cast.shop, "hello", "k1", thread="conv-9")
    second = inbound(client, other, "hello from elsewhere", "k1", thread="conv-9")
    assert second["ticket_number"] != first["ticket_number"]


def test_two_clients_same_external_id_are_two_messages_and_a_retry_is_a_duplicate(
    client: TestClient, cast: Cast, database: Database
) -> None:
    other = integration(database, cast, "other-app")
    first = inbound(client, cast.shop, "first", "m-1", thread="a")
    theirs = inbound(client, other, "second", "m-1", thread="b")
    assert theirs["status"] == "processed" and theirs["inbox_id"] != first["inbox_id"]
    assert theirs["message_id"] != first["message_id"]
    # An agent's own token is a client of its own too.
    alices = inbound(client, cast.alice, "third", "m-1")
    assert alices["status"] == "processed" and alices["inbox_id"] != first["inbox_id"]
    retry = inbound(client, cast.shop, "first", "m-1", thread="a")
    assert retry == {**first, "status": "duplicate"}


def test_a_rotated_integration_token_keeps_its_clients_ids_and_threads(
    client: TestClient, cast: Cast, database: Database
) -> None:
    first = inbound(client, cast.shop, "hello", "r-1", thread="conv-r")
    rotated = client.post("/api/v1/auth/token/rotate", headers=cast.shop.headers)
    assert rotated.status_code == 201, rotated.text
    successor = Person(cast.shop.id, cast.shop.email, rotated.json()["token"], cast.shop.role)
    retry = inbound(client, successor, "hello", "r-1", thread="conv-r")
    assert retry["status"] == "duplicate" and retry["inbox_id"] == first["inbox_id"]
    later = inbound(client, successor, "me again", "r-2", thread="conv-r")
    assert later["ticket_number"] == first["ticket_number"]


def test_a_ticket_hint_joins_only_a_ticket_of_the_same_customer(database: Database) -> None:
    emma_ticket, _ = ingest(
        InboundMessage(
            channel="email",
            external_id="<h1@x>",
            sender=Sender(email=EMMA),
            text="my order",
            new_conversation=True,
        )
    )
    hinted, _ = ingest(
        InboundMessage(
            channel="email",
            external_id="<h2@x>",
            sender=Sender(email=MALLORY),
            text="yes refund",
            ticket_hint=emma_ticket,
        )
    )
    assert hinted != emma_ticket
    own, _ = ingest(
        InboundMessage(
            channel="email",
            external_id="<h3@x>",
            sender=Sender(email=EMMA),
            text="me again",
            ticket_hint=emma_ticket,
            new_conversation=True,
        )
    )
    assert own == emma_ticket


def test_only_the_client_that_handed_a_message_in_sees_its_status(
    client: TestClient, cast: Cast, database: Database
) -> None:
    other = integration(database, cast, "other-app")
    stored = client.post(
        "/api/v1/inbound/messages",
        headers={**cast.shop.headers, "Prefer": "respond-async"},
        json={"customer": {"email": EMMA}, "text": "Hi", "external_id": "st-1"},
    )
    location = stored.headers["Location"]
    assert client.get(location, headers=cast.shop.headers).json()["status"] == "processed"
    for stranger in (other, cast.alice, cast.olivia):
        assert client.get(location, headers=stranger.headers).status_code == 404
