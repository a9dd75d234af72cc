"""Who may read and set routing profiles, presence and settings, and precise errors."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.conftest import Cast

V1 = "/api/v1"


def test_an_agent_cannot_give_themselves_skills_or_capacity(client: TestClient, cast: Cast) -> None:
    answer = client.put(
        f"{V1}/users/{cast.alice.id}/routing",
        json={"capacity": {"chat": 50}},
        headers=cast.alice.headers,
    )
    assert answer.status_code == 403
    assert answer.headers["content-type"] == "application/problem+json"
    # But may read their own profile, with the defaults filled in.
    mine = client.get(f"{V1}/users/{cast.alice.id}/routing", headers=cast.alice.headers).json()
    assert mine["capacity"]["chat"] == 3 and mine["capacity"]["email"] == 10
    assert mine["presence"] == "offline"


def test_a_lead_manages_only_their_own_teams_agents(client: TestClient, cast: Cast) -> None:
    ok = client.put(
        f"{V1}/users/{cast.alice.id}/routing",
        json={"languages": ["EN", "de"], "capacity": {"chat": 4}},
        headers=cast.leo.headers,
    )
    assert ok.status_code == 200
    assert ok.json()["languages"] == ["de", "en"] and ok.json()["capacity"]["chat"] == 4
    for target in (cast.bob, cast.maya):  # Billing's agent; a manager
        refused = client.put(
            f"{V1}/users/{target.id}/routing", json={"languages": ["en"]}, headers=cast.leo.headers
        )
        assert refused.status_code == 403, target.email
        peeked = client.get(f"{V1}/users/{target.id}/routing", headers=cast.leo.headers)
        assert peeked.status_code == 403
        moved = client.put(
            f"{V1}/users/{target.id}/presence",
            json={"presence": "online"},
            headers=cast.leo.headers,
        )
        assert moved.status_code == 403


def test_an_agent_sets_only_their_own_presence(client: TestClient, cast: Cast) -> None:
    mine = client.put(f"{V1}/me/presence", json={"presence": "online"}, headers=cast.bob.headers)
    assert mine.status_code == 200 and mine.json()["presence"] == "online"
    other = client.put(
        f"{V1}/users/{cast.alice.id}/presence",
        json={"presence": "online"},
        headers=cast.bob.headers,
    )
    assert other.status_code == 403
    assert client.get(f"{V1}/me/presence", headers=cast.alice.headers).json()["presence"] == (
        "offline"
    )


def test_bad_input_is_refused_precisely(client: TestClient, cast: Cast) -> None:
    cases = [
        (f"{V1}/users/{cast.alice.id}/routing", {"capacity": {"chat": -1}}),
        (f"{V1}/users/{cast.alice.id}/routing", {"capacity": {"chat": 101}}),
        (f"{V1}/users/{cast.alice.id}/routing", {"skills": ["x"]}),
        (f"{V1}/me/presence", {"presence": "busy"}),
        (f"{V1}/routing/settings", {"strategy": "random"}),
        (f"{V1}/routing/settings", {"accept_minutes": 0}),
    ]
    for path, body in cases:
        answer = client.put(path, json=body, headers=cast.olivia.headers)
        assert answer.status_code == 422, (path, body, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
    missing = client.put(
        f"{V1}/users/999999/routing", json={"languages": []}, headers=cast.olivia.headers
    )
    assert missing.status_code == 404


def test_settings_belong_to_managers_and_each_teams_leads(client: TestClient, cast: Cast) -> None:
    body = {"enabled": True}
    assert (
        client.put(f"{V1}/routing/settings", json=body, headers=cast.leo.headers).status_code == 403
    )
    billing = f"{V1}/routing/teams/{cast.billing_team}"
    assert client.put(billing, json=body, headers=cast.leo.headers).status_code == 403
    support = f"{V1}/routing/teams/{cast.support_team}"
    assert client.get(support, headers=cast.leo.headers).json()["inherited"] is True
    set_ = client.put(support, json={"strategy": "least_loaded"}, headers=cast.leo.headers)
    assert set_.status_code == 200
    assert set_.json()["strategy"] == "least_loaded" and set_.json()["inherited"] is False
    assert client.get(support, headers=cast.alice.headers).status_code == 403
    assert (
        client.put(f"{V1}/routing/teams/999999", json=body, headers=cast.maya.headers).status_code
        == 404
    )
