"""Roles and tokens: who can see and do what."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound


def _billing_ticket(client: TestClient, cast: Cast) -> int:
    number = inbound(client, cast.maya, "Charged twice", "perm-1")["ticket_number"]
    client.patch(
        f"/api/v1/tickets/{number}", json={"team_id": cast.billing_team}, headers=cast.maya.headers
    )
    assert isinstance(number, int)
    return number


def _restrict(client: TestClient, cast: Cast) -> None:
    response = client.patch(
        "/api/v1/workspace", json={"restrict_agents_to_teams": True}, headers=cast.olivia.headers
    )
    assert response.status_code == 200


def test_alice_cannot_read_a_billing_ticket_when_teams_are_restricted(
    client: TestClient, cast: Cast
) -> None:
    number = _billing_ticket(client, cast)
    assert client.get(f"/api/v1/tickets/{number}", headers=cast.alice.headers).status_code == 200
    _restrict(client, cast)
    hidden = client.get(f"/api/v1/tickets/{number}", headers=cast.alice.headers)
    assert hidden.status_code == 404
    assert hidden.json()["type"].endswith("/not-found")
    assert (
        client.get(f"/api/v1/tickets/{number}/timeline", headers=cast.alice.headers).status_code
        == 404
    )
    listed = client.get("/api/v1/tickets", headers=cast.alice.headers).json()["items"]
    assert number not in [t["number"] for t in listed]
    assert client.get(f"/api/v1/tickets/{number}", headers=cast.bob.headers).status_code == 200
    assert client.get(f"/api/v1/tickets/{number}", headers=cast.maya.headers).status_code == 200


def test_an_assigned_ticket_is_visible_to_its_assignee_outside_their_team(
    client: TestClient, cast: Cast
) -> None:
    number = _billing_ticket(client, cast)
    _restrict(client, cast)
    client.patch(
        f"/api/v1/tickets/{number}", json={"assignee_id": cast.alice.id}, headers=cast.maya.headers
    )
    assert client.get(f"/api/v1/tickets/{number}", headers=cast.alice.headers).status_code == 200


def test_only_admins_manage_users(client: TestClient, cast: Cast) -> None:
    body = {"email": "new@shop.example", "role": "agent"}
    refused = client.post("/api/v1/users", json=body, headers=cast.maya.headers)
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert "admin" in refused.json()["detail"]
    created = client.post("/api/v1/users", json=body, headers=cast.olivia.headers)
    assert created.status_code == 201
    duplicate = client.post("/api/v1/users", json=body, headers=cast.olivia.headers)
    assert duplicate.status_code == 409


def test_a_revoked_token_is_refused(client: TestClient, cast: Cast) -> None:
    made = client.post(
        f"/api/v1/users/{cast.alice.id}/tokens",
        json={"name": "laptop"},
        headers=cast.olivia.headers,
    ).json()
    headers = {"Authorization": f"Bearer {made['token']}"}
    assert client.get("/api/v1/users/me", headers=headers).json()["email"] == cast.alice.email
    revoked = client.delete(
        f"/api/v1/users/{cast.alice.id}/tokens/{made['id']}", headers=cast.olivia.headers
    )
    assert revoked.status_code == 204
    refused = client.get("/api/v1/users/me", headers=headers)
    assert refused.status_code == 401
    assert refused.json()["type"].endswith("/invalid-token")
    # Her other token still works.
    assert client.get("/api/v1/users/me", headers=cast.alice.headers).status_code == 200


def test_a_deactivated_user_loses_api_access(client: TestClient, cast: Cast) -> None:
    client.patch(
        f"/api/v1/users/{cast.bob.id}", json={"active": False}, headers=cast.olivia.headers
    )
    assert client.get("/api/v1/users/me", headers=cast.bob.headers).status_code == 401


def test_agents_cannot_merge_customers(client: TestClient, cast: Cast) -> None:
    response = client.post(
        "/api/v1/customers/1/merge", json={"source_id": 2}, headers=cast.alice.headers
    )
    assert response.status_code == 403
