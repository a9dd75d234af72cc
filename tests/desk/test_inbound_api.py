"""The API channel: accept, deduplicate, thread, and reject bad input precisely."""

from __future__ import annotations

import threading

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from tests.conftest import Cast, inbound, ingest

from minidesk import inbox, pipeline
from minidesk.channels.base import InboundMessage, Sender
from minidesk.db import Database
from minidesk.desk.models import Direction, Message, Status, Ticket


def count(database: Database, model: type) -> int:
    with database.sessions() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def inbound_messages(database: Database) -> int:
    """Customer messages stored (automation's own replies are not counted)."""
    with database.sessions() as session:
        query = select(func.count()).where(Message.direction == Direction.INBOUND)
        return session.scalar(query) or 0


def test_emma_message_opens_a_ticket_with_a_number(client: TestClient, cast: Cast) -> None:
    body = inbound(client, cast.alice, "Where is my order #1001?", "app-1")
    assert body["status"] == "processed"
    number = body["ticket_number"]
    ticket = client.get(f"/api/v1/tickets/{number}", headers=cast.alice.headers).json()
    assert ticket["subject"] == "Where is my order #1001?"
    assert ticket["channel"] == "api"
    messages = client.get(f"/api/v1/tickets/{number}/messages", headers=cast.alice.headers)
    message = messages.json()["items"][0]  # automation may have answered after it
    assert message["id"] == body["message_id"]
    assert message["direction"] == "inbound"
    assert message["text"] == "Where is my order #1001?"
    # Triage ran and is visible: what the customer wants, and the order they mean.
    assert message["intent"] == ticket["intent"] == "order_status"
    assert message["entities"]["order_numbers"] == ["1001"]
    assert message["triage_model"]


def test_same_external_id_twice_is_one_message(
    client: TestClient, cast: Cast, database: Database
) -> None:
    first = inbound(client, cast.alice, "Hello", "dup-1")
    again = inbound(client, cast.alice, "Hello", "dup-1")
    assert again["status"] == "duplicate"
    assert (again["ticket_number"], again["message_id"]) == (
        first["ticket_number"],
        first["message_id"],
    )
    assert inbound_messages(database) == 1


def test_concurrent_duplicates_store_one_message(cast: Cast, database: Database) -> None:
    message = InboundMessage(
        channel="api",
        external_id="race-1",
        sender=Sender(email="race@example.com"),
        text="one message",
    )
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def deliver() -> None:
        try:
            barrier.wait()
            accepted = inbox.accept(message)
            pipeline.process(accepted.inbox_id)
        except BaseException as exc:  # collected: a thread's failure must fail the test
            errors.append(exc)

    threads = [threading.Thread(target=deliver) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert count(database, inbox.InboxItem) == 1
    assert inbound_messages(database) == 1
    assert count(database, Ticket) == 1


def test_thread_key_keeps_a_conversation_on_one_ticket(client: TestClient, cast: Cast) -> None:
    first = inbound(client, cast.alice, "Question one", "t-1", thread="conv-9")
    other = inbound(client, cast.alice, "Different conversation", "t-2", thread="conv-10")
    second = inbound(client, cast.alice, "Follow-up", "t-3", thread="conv-9")
    assert second["ticket_number"] == first["ticket_number"]
    assert other["ticket_number"] != first["ticket_number"]


def test_without_thread_a_message_joins_the_latest_open_ticket_on_any_channel(
    client: TestClient, cast: Cast, database: Database
) -> None:
    email_message = InboundMessage(
        channel="email",
        external_id="<m1@mail>",
        sender=Sender(email="emma@example.com"),
        text="By email",
    )
    ticket_id, _ = ingest(email_message)
    by_api = inbound(client, cast.alice, "Now from the app", "app-2")
    assert by_api["ticket_number"] == ticket_id


def test_a_solved_ticket_is_reopened_by_the_customers_reply(client: TestClient, cast: Cast) -> None:
    first = inbound(client, cast.alice, "Broken zip", "s-1", thread="c1")
    number = first["ticket_number"]
    client.patch(f"/api/v1/tickets/{number}", json={"status": "solved"}, headers=cast.alice.headers)
    again = inbound(client, cast.alice, "Still broken", "s-2", thread="c1")
    assert again["ticket_number"] == number
    ticket = client.get(f"/api/v1/tickets/{number}", headers=cast.alice.headers).json()
    assert ticket["status"] == Status.OPEN


def test_a_closed_ticket_gets_a_linked_follow_up(client: TestClient, cast: Cast) -> None:
    first = inbound(client, cast.alice, "Broken zip", "c-1", thread="c2")
    number = first["ticket_number"]
    client.patch(f"/api/v1/tickets/{number}", json={"status": "closed"}, headers=cast.alice.headers)
    again = inbound(client, cast.alice, "It broke again", "c-2", thread="c2")
    assert again["ticket_number"] != number
    follow_up = client.get(
        f"/api/v1/tickets/{again['ticket_number']}", headers=cast.alice.headers
    ).json()
    assert follow_up["custom_fields"] == {"follow_up_of": number}


def test_unknown_fields_are_rejected_with_a_problem_document(
    client: TestClient, cast: Cast
) -> None:
    response = client.post(
        "/api/v1/inbound/messages",
        headers=cast.alice.headers,
        json={
            "customer": {"email": "emma@example.com"},
            "text": "hi",
            "external_id": "x",
            "priority": "P1",
        },
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"].endswith("/invalid-request")
    assert "priority" in problem["detail"]


def test_a_customer_without_any_identity_is_rejected(client: TestClient, cast: Cast) -> None:
    response = client.post(
        "/api/v1/inbound/messages",
        headers=cast.alice.headers,
        json={"customer": {"name": "Nobody"}, "text": "hi", "external_id": "x"},
    )
    assert response.status_code == 422
    assert "at least one of email, phone, external_id" in response.json()["detail"]


def test_oversized_payload_is_refused_and_nothing_stored(
    client: TestClient, cast: Cast, database: Database
) -> None:
    response = client.post(
        "/api/v1/inbound/messages",
        headers=cast.alice.headers,
        json={
            "customer": {"email": "emma@example.com"},
            "text": "x" * 70_000,
            "external_id": "big",
        },
    )
    assert response.status_code == 413
    assert response.json()["type"].endswith("/payload-too-large")
    assert count(database, inbox.InboxItem) == 0


def test_posting_without_a_token_is_401(client: TestClient, cast: Cast) -> None:
    response = client.post(
        "/api/v1/inbound/messages",
        json={"customer": {"email": "e@example.com"}, "text": "hi", "external_id": "x"},
    )
    assert response.status_code == 401
    assert response.json()["type"].endswith("/unauthenticated")


def test_respond_async_answers_once_stored_and_the_location_shows_the_ticket(
    client: TestClient, cast: Cast, database: Database
) -> None:
    response = client.post(
        "/api/v1/inbound/messages",
        headers={**cast.alice.headers, "Prefer": "respond-async"},
        json={"customer": {"email": "emma@example.com"}, "text": "Hi", "external_id": "async-1"},
    )
    assert response.status_code == 202
    assert response.headers["Preference-Applied"] == "respond-async"
    body = response.json()
    assert body["status"] == "queued"
    assert body["ticket_number"] is None
    # Jobs run immediately in tests, so by now a worker has processed it.
    later = client.get(response.headers["Location"], headers=cast.alice.headers).json()
    assert later["status"] == "processed"
    assert later["inbox_id"] == body["inbox_id"]
    ticket = client.get(f"/api/v1/tickets/{later['ticket_number']}", headers=cast.alice.headers)
    assert ticket.status_code == 200
    assert (
        client.get("/api/v1/inbound/messages/999999", headers=cast.alice.headers).status_code == 404
    )
