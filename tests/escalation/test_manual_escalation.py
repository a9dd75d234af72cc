"""Agents escalate and de-escalate by hand with a hand-off note, optionally to a named person;
bad requests are refused with the field that is wrong."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.conftest import Cast
from tests.escalation.conftest import escalations, events_of, open_ticket

from minidesk.db import Database


def first_line_ticket(client: TestClient, cast: Cast) -> int:
    """A ticket at tier 1 (the bot hands an unanswerable one straight to tier 2)."""
    ticket = open_ticket(client, cast)
    response = client.patch(
        f"/api/v1/tickets/{ticket}", json={"tier": 1}, headers=cast.olivia.headers
    )
    assert response.status_code == 200, response.text
    return ticket


def escalate(client: TestClient, cast: Cast, ticket: int, body: object, who: str = "alice"):  # type: ignore[no-untyped-def]
    person = getattr(cast, who)
    return client.post(f"/api/v1/tickets/{ticket}/escalate", json=body, headers=person.headers)


def test_alice_hands_a_ticket_to_tier_2_with_a_note(
    client: TestClient, cast: Cast, database: Database
) -> None:
    ticket = first_line_ticket(client, cast)
    note = "Customer tried a reset twice; firmware 2.1 suspected."
    response = escalate(client, cast, ticket, {"tier": 2, "note": note})
    assert response.status_code == 201, response.text
    escalation = response.json()
    assert (escalation["tier_before"], escalation["tier"]) == (1, 2)
    assert escalation["note"] == note
    assert escalation["reason"] == "escalated to tier 2 by Alice"
    assert escalation["actor_id"] == cast.alice.id
    [event] = events_of(database, "ticket.escalated", ticket)
    assert event.data["note"] == note and event.actor_name
    assert escalations(client, cast, ticket)["tier"] == 2


def test_a_hand_off_to_a_named_agent_assigns_and_notifies_them(
    client: TestClient, cast: Cast, database: Database
) -> None:
    ticket = first_line_ticket(client, cast)
    response = escalate(client, cast, ticket, {"tier": 3, "note": "Over to Leo", "to": cast.leo.id})
    assert response.status_code == 201, response.text
    assert response.json()["target_user_ids"] == [cast.leo.id]
    got = client.get(f"/api/v1/tickets/{ticket}", headers=cast.leo.headers).json()
    assert got["tier"] == 3 and got["assignee"]["id"] == cast.leo.id


def test_moving_down_a_tier_is_a_de_escalation(
    client: TestClient, cast: Cast, database: Database
) -> None:
    ticket = first_line_ticket(client, cast)
    escalate(client, cast, ticket, {"tier": 3, "note": "Engineering please"})
    response = escalate(client, cast, ticket, {"tier": 1, "note": "Fixed upstream; reply only"})
    assert response.status_code == 201
    assert response.json()["reason"] == "moved down to tier 1 by Alice"
    [event] = events_of(database, "ticket.deescalated", ticket)
    assert (event.data["tier_before"], event.data["tier"]) == (3, 1)
    assert [item["tier"] for item in escalations(client, cast, ticket)["items"]] == [3, 1]


def test_bad_escalations_name_the_field(client: TestClient, cast: Cast) -> None:
    ticket = first_line_ticket(client, cast)
    cases = [
        ({"tier": 2}, "note"),
        ({"tier": 2, "note": ""}, "note"),
        ({"tier": 4, "note": "x"}, "tier"),
        ({"tier": 2, "note": "x", "urgent": True}, "urgent"),
        ({"tier": 1, "note": "x"}, "tier"),  # already at tier 1
        ({"tier": 2, "note": "x", "to": 999_999}, "to"),
    ]
    for body, field in cases:
        response = escalate(client, cast, ticket, body)
        assert response.status_code == 422, (body, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert field in [error["field"] for error in response.json()["errors"]], body


def test_a_hand_off_to_someone_who_cannot_see_the_ticket_is_refused(
    client: TestClient, cast: Cast
) -> None:
    ticket = first_line_ticket(client, cast)
    client.patch(
        f"/api/v1/tickets/{ticket}",
        json={"team_id": cast.support_team},
        headers=cast.olivia.headers,
    )
    client.patch(
        "/api/v1/workspace", json={"restrict_agents_to_teams": True}, headers=cast.olivia.headers
    )
    response = escalate(client, cast, ticket, {"tier": 2, "note": "x", "to": cast.bob.id})
    assert response.status_code == 422
    assert response.json()["detail"] == (
        f"to: bob@shop.example cannot see ticket {ticket} (team restriction)"
    )
