"""A solved ticket that opens again says so with its own event: the customer wrote, or an
agent reopened it."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound
from tests.escalation.conftest import events_of, open_ticket

from minidesk.db import Database


def solve(client: TestClient, cast: Cast, ticket: int) -> None:
    response = client.patch(
        f"/api/v1/tickets/{ticket}", json={"status": "solved"}, headers=cast.olivia.headers
    )
    assert response.status_code == 200, response.text


def test_a_customer_message_reopens_a_solved_ticket(
    client: TestClient, cast: Cast, database: Database
) -> None:
    first = inbound(client, cast.shop, "The kettle leaks", "m1", thread="kettle")
    ticket = int(str(first["ticket_number"]))
    solve(client, cast, ticket)
    # The same conversation (its thread key) within the reopen window: the ticket reopens.
    body = inbound(client, cast.shop, "It leaks again", "m2", thread="kettle")
    assert body["ticket_number"] == ticket
    [event] = events_of(database, "ticket.reopened", ticket)
    assert event.data == {"why": "customer replied", "by": "customer", "status": "open"}


def test_an_agent_reopens_a_solved_ticket(
    client: TestClient, cast: Cast, database: Database
) -> None:
    ticket = open_ticket(client, cast)
    solve(client, cast, ticket)
    client.patch(f"/api/v1/tickets/{ticket}", json={"status": "open"}, headers=cast.alice.headers)
    [event] = events_of(database, "ticket.reopened", ticket)
    assert event.data["by"] == "user" and event.actor_id == cast.alice.id


def test_pending_to_open_is_no_reopen(client: TestClient, cast: Cast, database: Database) -> None:
    ticket = open_ticket(client, cast)
    for status in ("pending", "open"):
        client.patch(
            f"/api/v1/tickets/{ticket}", json={"status": status}, headers=cast.olivia.headers
        )
    assert events_of(database, "ticket.reopened", ticket) == []
