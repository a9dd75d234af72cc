"""Issue 9, finding 7 for rules: a rule's ``webhook`` action is a URL the desk POSTs to on its
own, so only admins add one, internal addresses are refused when it is saved, and each
receiving origin verifies with its own secret, never the desk's key."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound
from tests.webhooks.receiver import Receiver
from tests.webhooks.test_customer_webhook_ssrf import verify

from minidesk import settings

PUBLIC = "https://93.184.215.14/minidesk"


def _rule(url: str, name: str = "tell the warehouse") -> dict[str, Any]:
    return {
        "name": name,
        "event": "message.received",
        "actions": [{"type": "webhook", "url": url}],
    }


def test_only_an_admin_adds_a_webhook_to_a_rule(client: TestClient, cast: Cast) -> None:
    refused = client.post("/api/v1/rules", json=_rule(PUBLIC), headers=cast.maya.headers)
    assert refused.status_code == 403, refused.text
    assert "admin" in refused.json()["detail"]
    created = client.post("/api/v1/rules", json=_rule(PUBLIC), headers=cast.olivia.headers)
    assert created.status_code == 201, created.text
    rule = f"/api/v1/rules/{created.json()['id']}"
    # A manager still runs the rule otherwise: edits that keep the admin's URL are fine.
    renamed = client.patch(rule, json={"name": "renamed"}, headers=cast.maya.headers)
    assert renamed.status_code == 200, renamed.text
    moved = client.patch(
        rule,
        json={"actions": [{"type": "webhook", "url": "https://93.184.215.15/x"}]},
        headers=cast.maya.headers,
    )
    assert moved.status_code == 403
    imported = client.post(
        "/api/v1/rules/import",
        content="rules:\n- name: sneaky\n  event: message.received\n  actions:\n"
        "  - {type: webhook, url: 'https://93.184.215.16/'}\n",
        headers={**cast.maya.headers, "Content-Type": "application/yaml"},
    )
    assert imported.status_code == 403
    names = [
        r["name"] for r in client.get("/api/v1/rules", headers=cast.maya.headers).json()["items"]
    ]
    assert "sneaky" not in names


def test_a_rule_webhook_to_the_metadata_service_is_refused_when_saved(
    client: TestClient, cast: Cast
) -> None:
    response = client.post(
        "/api/v1/rules",
        json=_rule("https://169.254.169.254/latest/meta-data/"),
        headers=cast.olivia.headers,
    )
    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert error["field"] == "actions[0].url"
    assert "169.254.169.254 is a link-local address" in error["message"]


def test_a_rule_webhook_is_signed_with_its_receivers_own_secret(
    client: TestClient, cast: Cast, receiver: Receiver, loopback_allowed: settings.Settings
) -> None:
    created = client.post("/api/v1/rules", json=_rule(receiver.url), headers=cast.olivia.headers)
    assert created.status_code == 201, created.text
    number = inbound(client, cast.alice, "Where is my parcel?", "rw-1")["ticket_number"]
    [request] = receiver.received
    assert json.loads(request.body)["ticket"]["number"] == number
    lookup = client.get(
        "/api/v1/webhooks/rule-secret", params={"url": receiver.url}, headers=cast.olivia.headers
    )
    assert lookup.status_code == 200, lookup.text
    secret = lookup.json()["webhook_secret"]
    signature = request.headers["X-Minidesk-Signature"]
    assert verify(secret, signature, request.body)
    assert not verify(loopback_allowed.secret.decode(), signature, request.body)
    # Another receiver's secret differs, so one receiver cannot sign for another.
    other = client.get(
        "/api/v1/webhooks/rule-secret",
        params={"url": "https://hooks.example/x"},
        headers=cast.olivia.headers,
    ).json()["webhook_secret"]
    assert other != secret
    refused = client.get(
        "/api/v1/webhooks/rule-secret", params={"url": receiver.url}, headers=cast.maya.headers
    )
    assert refused.status_code == 403
