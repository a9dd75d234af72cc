"""The shop owner reads and changes the policy pack over the API; bad packs change nothing."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.conftest import Cast


def test_everyone_reads_the_default_pack(client: TestClient, cast: Cast) -> None:
    pack = client.get("/api/v1/policies", headers=cast.alice.headers).json()
    assert pack["auto_refund_max_minor"] == 5_000
    assert pack["agent_refund_max_minor"] == 20_000
    assert pack["confirm_token"] == "YES REFUND"
    assert pack["return_window_days"] == 30
    assert pack["auto_refund_order_total_max_minor"] == 5_000
    assert pack["auto_refund_customer_total_max_minor"] == 10_000
    assert pack["auto_refund_customer_window_days"] == 30
    assert pack["roles"]["agent"]["may_refund"] is False


def test_olivia_lowers_the_automatic_refund_cap(client: TestClient, cast: Cast) -> None:
    changed = client.patch(
        "/api/v1/policies", json={"auto_refund_max_minor": 2_000}, headers=cast.olivia.headers
    )
    assert changed.status_code == 200
    assert changed.json()["auto_refund_max_minor"] == 2_000
    assert changed.json()["agent_refund_max_minor"] == 20_000  # untouched fields stay
    again = client.get("/api/v1/policies", headers=cast.maya.headers).json()
    assert again["auto_refund_max_minor"] == 2_000


def test_only_admins_change_the_pack(client: TestClient, cast: Cast) -> None:
    refused = client.patch(
        "/api/v1/policies", json={"auto_refund_max_minor": 1}, headers=cast.maya.headers
    )
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert (
        client.get("/api/v1/policies", headers=cast.maya.headers).json()["auto_refund_max_minor"]
        == 5_000
    )


def test_an_invalid_pack_is_refused_precisely_and_nothing_changes(
    client: TestClient, cast: Cast
) -> None:
    cases = [
        ({"auto_refund_max_minor": 30_000}, "auto_refund_max_minor <= agent_refund_max_minor"),
        ({"refund_everything": True}, "unknown policy fields: refund_everything"),
        ({"approver_role": "boss"}, "boss"),
        ({"holidays": ["2026-13-45"]}, "invalid policy pack"),
        ({"confirm_token": "  "}, "confirm_token cannot be empty"),
        ({"auto_refund_order_total_max_minor": -1}, "automatic refund totals cannot be negative"),
        ({"auto_refund_customer_window_days": 0}, "auto_refund_customer_window_days must be"),
    ]
    for body, expected in cases:
        response = client.patch("/api/v1/policies", json=body, headers=cast.olivia.headers)
        assert response.status_code == 422, body
        assert response.json()["type"].endswith("/invalid-policy")
        assert expected in response.json()["detail"], (body, response.json()["detail"])
    assert (
        client.get("/api/v1/policies", headers=cast.olivia.headers).json()["auto_refund_max_minor"]
        == 5_000
    )
