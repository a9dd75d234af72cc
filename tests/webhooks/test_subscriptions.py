"""Webhook subscriptions against a real local receiver: an admin subscribes a URL to event
kinds, the receiver verifies each delivery with the documented algorithm (docs/webhooks.md),
and nobody else manages subscriptions or sees a secret twice."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Cast, inbound
from tests.webhooks.receiver import Receiver

from minidesk import settings
from minidesk.db import Database
from minidesk.webhooks.models import WebhookSubscription

V1 = "/api/v1"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"
Verify = Callable[[str, str, bytes], bool]


def _documented_verify() -> Verify:
    """The receiver's check exactly as docs/webhooks.md prints it: the example is run, not
    copied, so the documentation cannot drift from what the desk sends."""
    [example] = re.findall(r"```python\n(.*?)```", DOCS.read_text(), re.S)
    scope: dict[str, Any] = {}
    exec(example, scope)
    verify: Verify = scope["verify"]
    return verify


verify = _documented_verify()


def subscribe(
    client: TestClient, cast: Cast, url: str, events: list[str], **more: Any
) -> dict[str, Any]:
    response = client.post(
        f"{V1}/webhooks", json={"url": url, "events": events, **more}, headers=cast.olivia.headers
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def bodies(receiver: Receiver) -> list[dict[str, Any]]:
    return [json.loads(request.body) for request in receiver.received]


@pytest.mark.usefixtures("loopback_allowed")
def test_a_new_ticket_reaches_the_subscriber_signed_with_its_own_secret(
    client: TestClient, cast: Cast, receiver: Receiver, database: Database
) -> None:
    created = subscribe(client, cast, receiver.url, ["ticket.created"], description="CRM sync")
    secret = created["secret"]
    assert secret.startswith("whsec_")
    assert created["state"] == "active"
    number = inbound(client, cast.alice, "Where is my parcel?", "sub-1")["ticket_number"]
    [request] = receiver.received  # message.received, triaged … were not asked for
    delivered = json.loads(request.body)
    assert delivered["type"] == "ticket.created"
    assert delivered["ticket_id"] == number
    assert delivered["data"]["channel"] == "api"
    assert verify(secret, request.headers["X-Minidesk-Signature"], request.body)
    assert not verify(secret, request.headers["X-Minidesk-Signature"], request.body + b" ")
    assert request.headers["Idempotency-Key"].startswith("minidesk-outbox-")
    # The secret was shown once: never again, and never stored in the clear.
    shown = client.get(f"{V1}/webhooks/{created['id']}", headers=cast.olivia.headers).json()
    assert shown["secret"] is None
    listed = client.get(f"{V1}/webhooks", headers=cast.olivia.headers).json()["items"]
    assert [item["secret"] for item in listed] == [None]
    with database.sessions() as session:
        stored = session.scalars(select(WebhookSubscription.secret_encrypted)).one()
    assert secret not in stored


@pytest.mark.usefixtures("loopback_allowed")
def test_a_prefix_pattern_subscribes_to_a_family_of_kinds(
    client: TestClient, cast: Cast, receiver: Receiver
) -> None:
    subscribe(client, cast, receiver.url, ["message.*"])
    inbound(client, cast.alice, "Hello", "sub-2")
    kinds = {body["type"] for body in bodies(receiver)}
    assert "message.received" in kinds
    assert all(kind.startswith("message.") for kind in kinds)


@pytest.mark.parametrize(
    "events", [["ticket.craeted"], ["tickets.*"], ["ticket"], [], ["ticket.*", "nope"]]
)
def test_an_unknown_event_kind_is_refused(
    client: TestClient, cast: Cast, events: list[str]
) -> None:
    response = client.post(
        f"{V1}/webhooks",
        json={"url": "https://93.184.215.14/hook", "events": events},
        headers=cast.olivia.headers,
    )
    assert response.status_code == 422, response.text
    assert response.json()["type"].endswith("invalid-event-kind")
    assert response.json()["errors"][0]["field"] == "events"
    assert client.get(f"{V1}/webhooks", headers=cast.olivia.headers).json()["items"] == []


def test_a_subscription_to_an_internal_address_is_refused(client: TestClient, cast: Cast) -> None:
    for url in ("https://169.254.169.254/latest/meta-data/", "https://127.0.0.1/hook"):
        response = client.post(
            f"{V1}/webhooks", json={"url": url, "events": ["*"]}, headers=cast.olivia.headers
        )
        assert response.status_code == 422, response.text
        assert response.json()["type"].endswith("webhook-url-refused")


def test_only_admins_manage_subscriptions(client: TestClient, cast: Cast) -> None:
    created = subscribe(client, cast, "https://93.184.215.14/hook", ["*"], enabled=False)
    path = f"{V1}/webhooks/{created['id']}"
    for person in (cast.maya, cast.leo, cast.alice, cast.shop):
        body = {"url": "https://93.184.215.15/x", "events": ["*"]}
        assert client.post(f"{V1}/webhooks", json=body, headers=person.headers).status_code == 403
        assert client.get(f"{V1}/webhooks", headers=person.headers).status_code == 403
        assert client.get(f"{path}/deliveries", headers=person.headers).status_code == 403
        assert client.post(f"{path}/secret", headers=person.headers).status_code == 403
        assert client.patch(path, json={"enabled": True}, headers=person.headers).status_code == 403
    assert client.get(path, headers=cast.olivia.headers).json()["enabled"] is False


@pytest.mark.usefixtures("loopback_allowed")
def test_a_rotated_secret_signs_the_next_delivery_and_the_old_one_stops_verifying(
    client: TestClient, cast: Cast, receiver: Receiver
) -> None:
    created = subscribe(client, cast, receiver.url, ["ticket.created"])
    rotated = client.post(f"{V1}/webhooks/{created['id']}/secret", headers=cast.olivia.headers)
    assert rotated.status_code == 200, rotated.text
    new = rotated.json()["secret"]
    assert new.startswith("whsec_") and new != created["secret"]
    inbound(client, cast.alice, "Hello", "sub-3")
    [request] = receiver.received
    signature = request.headers["X-Minidesk-Signature"]
    assert verify(new, signature, request.body)
    assert not verify(created["secret"], signature, request.body)


def test_moving_the_url_gives_the_new_receiver_a_new_secret(client: TestClient, cast: Cast) -> None:
    created = subscribe(client, cast, "https://93.184.215.14/hook", ["*"], enabled=False)
    path = f"{V1}/webhooks/{created['id']}"
    same = client.patch(path, json={"description": "same URL"}, headers=cast.olivia.headers)
    assert same.status_code == 200 and same.json()["secret"] is None
    moved = client.patch(path, json={"url": "https://93.184.215.15/x"}, headers=cast.olivia.headers)
    assert moved.status_code == 200, moved.text
    assert moved.json()["secret"] not in (None, created["secret"])
    refused = client.patch(path, json={"events": ["nope.*"]}, headers=cast.olivia.headers)
    assert refused.status_code == 422


@pytest.mark.usefixtures("loopback_allowed")
def test_a_ping_reaches_only_the_subscription_tested(
    client: TestClient, cast: Cast, receiver: Receiver, another_receiver: Receiver
) -> None:
    tested = subscribe(client, cast, receiver.url, ["ticket.created"])
    subscribe(client, cast, another_receiver.url, ["*"])
    answer = client.post(f"{V1}/webhooks/{tested['id']}/test", headers=cast.olivia.headers)
    assert answer.status_code == 202, answer.text
    [ping] = bodies(receiver)
    assert ping["type"] == "webhook.pinged"
    assert ping["data"] == {"webhook_id": tested["id"]}
    assert "webhook.pinged" not in [body["type"] for body in bodies(another_receiver)]
    [attempt] = client.get(
        f"{V1}/webhooks/{tested['id']}/deliveries", headers=cast.olivia.headers
    ).json()["items"]
    assert attempt["event_kind"] == "webhook.pinged"
    assert attempt["status"] == "succeeded"
    assert attempt["http_status"] == 200


def test_a_disabled_subscription_receives_nothing(
    client: TestClient, cast: Cast, receiver: Receiver, loopback_allowed: settings.Settings
) -> None:
    subscribe(client, cast, receiver.url, ["*"], enabled=False)
    inbound(client, cast.alice, "Hello", "sub-4")
    assert receiver.received == []


def test_every_invalid_field_is_reported_in_one_answer(client: TestClient, cast: Cast) -> None:
    """A refused URL does not hide misspelt patterns: both fields, every bad pattern named."""
    body = {"url": "https://127.0.0.1/hook", "events": ["ticket.craeted", "ticket.*", "nope"]}
    response = client.post(f"{V1}/webhooks", json=body, headers=cast.olivia.headers)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["type"].endswith("/invalid-webhook")
    assert [error["field"] for error in problem["errors"]] == ["url", "events"]
    assert problem["errors"][0]["message"].startswith("webhook URL refused")
    assert problem["errors"][1]["message"].startswith("'ticket.craeted', 'nope' match no event")
    assert client.get(f"{V1}/webhooks", headers=cast.olivia.headers).json()["items"] == []
    # A PATCH too: each field it carries is checked before any is refused.
    made = subscribe(client, cast, "https://93.184.215.14/hook", ["*"], enabled=False)
    patched = client.patch(f"{V1}/webhooks/{made['id']}", json=body, headers=cast.olivia.headers)
    assert patched.status_code == 422
    assert [error["field"] for error in patched.json()["errors"]] == ["url", "events"]
