"""Agents change a ticket's support tier through the API, as automation does."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound


def test_alice_raises_the_tier_and_the_timeline_names_her(client: TestClient, cast: Cast) -> None:
    number = inbound(client, cast.alice, "Nothing works", "tier-1")["ticket_number"]
    url = f"/api/v1/tickets/{number}"
    # Automation may already have moved the tier on arrival: the event says what it was.
    before = client.get(url, headers=cast.alice.headers).json()["tier"]
    response = client.patch(url, headers=cast.alice.headers, json={"tier": 3})
    assert response.status_code == 200, response.text
    assert response.json()["tier"] == 3
    timeline = client.get(f"{url}/timeline", headers=cast.alice.headers).json()["items"]
    [event] = [
        e for e in timeline if e["kind"] == "ticket.tier_changed" and e["actor_type"] == "user"
    ]
    assert event["actor_id"] == cast.alice.id
    assert (event["data"]["before"], event["data"]["after"]) == (before, 3)


def test_a_tier_outside_one_to_three_is_refused(client: TestClient, cast: Cast) -> None:
    number = inbound(client, cast.alice, "Nothing works", "tier-2")["ticket_number"]
    for tier in (0, 4):
        response = client.patch(
            f"/api/v1/tickets/{number}", headers=cast.alice.headers, json={"tier": tier}
        )
        assert response.status_code == 422, response.text
