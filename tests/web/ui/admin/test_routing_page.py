"""The routing admin page: agents' skills, capacity per channel and presence, and each team's
routing mode, saved through the routing services; a lead sees and changes only their team."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.conftest import Cast
from tests.web.ui.admin.helpers import signed_in

AGENT_FORM = {
    "languages": "en de",
    "product_lines": "coffee",
    "channels": "email chat",
    "capacity_chat": "2",
    "capacity_whatsapp": "3",
    "capacity_sms": "5",
    "capacity_email": "12",
    "capacity_api": "10",
    "presence": "away",
}


def test_maya_sets_alice_s_skills_capacity_and_presence(client: TestClient, cast: Cast) -> None:
    csrf = signed_in(client, cast.maya.email)
    page = client.get("/admin/routing")
    assert page.status_code == 200
    assert (
        f'data-agent="{cast.alice.id}"' in page.text and f'data-agent="{cast.bob.id}"' in page.text
    )
    saved = client.post(f"/admin/routing/agents/{cast.alice.id}", data={"csrf": csrf, **AGENT_FORM})
    assert "Routing saved for Alice." in saved.text
    profile = client.get(f"/api/v1/users/{cast.alice.id}/routing", headers=cast.maya.headers).json()
    assert profile["languages"] == ["de", "en"] and profile["product_lines"] == ["coffee"]
    assert profile["channels"] == ["chat", "email"]
    assert profile["capacity"]["chat"] == 2 and profile["capacity"]["email"] == 12
    assert profile["presence"] == "away"


def test_a_bad_capacity_is_refused_and_nothing_changes(client: TestClient, cast: Cast) -> None:
    csrf = signed_in(client, cast.maya.email)
    form = {"csrf": csrf, **AGENT_FORM, "capacity_chat": "many"}
    refused = client.post(f"/admin/routing/agents/{cast.alice.id}", data=form)
    assert "Not saved: chat capacity must be a whole number 0-100." in refused.text
    profile = client.get(f"/api/v1/users/{cast.alice.id}/routing", headers=cast.maya.headers).json()
    assert profile["languages"] == [] and profile["capacity"]["chat"] == 3


def test_a_team_s_routing_mode_is_saved(client: TestClient, cast: Cast) -> None:
    csrf = signed_in(client, cast.maya.email)
    saved = client.post(
        f"/admin/routing/teams/{cast.support_team}",
        data={"csrf": csrf, "enabled": "on", "strategy": "least_loaded", "accept_minutes": "7"},
    )
    assert "Routing saved for Support." in saved.text
    config = client.get(
        f"/api/v1/routing/teams/{cast.support_team}", headers=cast.maya.headers
    ).json()
    assert config["enabled"] is True and config["strategy"] == "least_loaded"
    assert config["accept_minutes"] == 7
    bad = client.post(
        f"/admin/routing/teams/{cast.support_team}",
        data={"csrf": csrf, "strategy": "loudest", "accept_minutes": "7"},
    )
    assert "Not saved: strategy must be one of: round_robin, least_loaded." in bad.text


def test_leo_manages_his_team_only(client: TestClient, cast: Cast) -> None:
    csrf = signed_in(client, cast.leo.email)
    page = client.get("/admin/routing").text
    assert f'data-agent="{cast.alice.id}"' in page  # Support
    assert f'data-agent="{cast.bob.id}"' not in page  # Billing
    assert f'data-team="{cast.support_team}"' in page
    assert f'data-team="{cast.billing_team}"' not in page
    refused = client.post(f"/admin/routing/agents/{cast.bob.id}", data={"csrf": csrf, **AGENT_FORM})
    assert "Not saved: you do not manage that agent&#39;s routing." in refused.text
    other_team = client.post(
        f"/admin/routing/teams/{cast.billing_team}",
        data={"csrf": csrf, "strategy": "round_robin", "accept_minutes": "5"},
    )
    assert "Not saved: you do not manage that team&#39;s routing." in other_team.text
