"""The index moves with the data in the same transaction: what commits is found, what rolls
back is not, and notes are found only by those who read notes."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.conftest import Cast
from tests.search.helpers import found, open_ticket

from minidesk import db
from minidesk.desk.messages import MessageType, do_reply
from minidesk.desk.models import Ticket
from minidesk.events import SYSTEM


def test_a_reply_added_later_is_found(client: TestClient, cast: Cast) -> None:
    number = open_ticket(client, cast, "Hi\nmy order")
    assert found(client, cast.olivia, "voucher") == []
    reply = client.post(f"/api/v1/tickets/{number}/messages",
                        json={"text": "Here is a voucher for the trouble", "type": "reply"},
                        headers=cast.olivia.headers)  # fmt: skip
    assert reply.status_code == 201, reply.text
    assert found(client, cast.olivia, "voucher") == [number]


def test_a_rolled_back_message_leaves_nothing_in_the_index(client: TestClient, cast: Cast) -> None:
    number = open_ticket(client, cast, "Hi\nmy order")
    session = db.get_db().write_sessions()
    try:
        ticket = session.get_one(Ticket, number)
        do_reply(session, ticket, "a secret platypus", SYSTEM, kind=MessageType.NOTE)
        session.flush()
    finally:
        session.rollback()
        session.close()
    assert found(client, cast.olivia, "platypus") == []
    # And the ticket's own text is still there, whole.
    assert found(client, cast.olivia, "order") == [number]


def test_a_changed_subject_is_searched_by_its_new_words(client: TestClient, cast: Cast) -> None:
    number = open_ticket(client, cast, "Hi\nsomething")
    session = db.get_db().write_sessions()
    try:
        session.get_one(Ticket, number).subject = "Warranty claim"
        session.commit()
    finally:
        session.close()
    assert found(client, cast.olivia, "warranty") == [number]


def test_notes_are_found_by_people_but_never_by_an_integration(
    client: TestClient, cast: Cast
) -> None:
    number = open_ticket(client, cast, "Hi\nwhere is my order")
    note = client.post(f"/api/v1/tickets/{number}/messages",
                       json={"text": "customer is a known fraudster", "type": "note"},
                       headers=cast.alice.headers)  # fmt: skip
    assert note.status_code == 201, note.text
    assert found(client, cast.alice, "fraudster") == [number]
    assert found(client, cast.shop, "fraudster") == []
    assert found(client, cast.shop, "order") == [number]
    hits = client.get("/api/v1/search", params={"q": "order"}, headers=cast.shop.headers).json()
    assert "fraudster" not in str(hits)
