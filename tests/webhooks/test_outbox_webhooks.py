"""API-channel replies pushed to a real local webhook receiver (an allowed intranet address):
signed, retried, dead-lettered."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound
from tests.webhooks.receiver import Receiver, Reply
from tests.webhooks.test_customer_webhook_ssrf import verify

from minidesk import outbox
from minidesk.db import Database

pytestmark = pytest.mark.usefixtures("loopback_allowed")


def _ticket_with_webhook(client: TestClient, cast: Cast, url: str) -> tuple[int, str]:
    """A ticket whose customer's webhook an admin pointed at ``url``: (number, secret)."""
    first = inbound(client, cast.alice, "Hello", "wh-1")
    number = first["ticket_number"]
    customer = client.get(f"/api/v1/tickets/{number}", headers=cast.alice.headers).json()[
        "customer_id"
    ]
    response = client.patch(
        f"/api/v1/customers/{customer}", json={"webhook_url": url}, headers=cast.olivia.headers
    )
    assert isinstance(number, int)
    return number, response.json()["webhook_secret"]


def test_a_reply_is_pushed_signed_to_the_customers_webhook(
    client: TestClient, cast: Cast, receiver: Receiver
) -> None:
    number, secret = _ticket_with_webhook(client, cast, receiver.url)
    client.post(
        f"/api/v1/tickets/{number}/messages",
        json={"text": "On its way"},
        headers=cast.alice.headers,
    )
    [request] = receiver.received
    assert json.loads(request.body)["text"] == "On its way"
    assert json.loads(request.body)["ticket_number"] == number
    assert verify(secret, request.headers["X-Minidesk-Signature"], request.body)
    assert request.headers["Idempotency-Key"].startswith("minidesk-outbox-")
    messages = client.get(f"/api/v1/tickets/{number}/messages", headers=cast.alice.headers).json()[
        "items"
    ]
    assert messages[-1]["delivery_status"] == "sent"


def test_a_temporary_failure_is_retried_with_backoff(
    client: TestClient, cast: Cast, receiver: Receiver, database: Database
) -> None:
    number, _ = _ticket_with_webhook(client, cast, receiver.url)
    receiver.replies = [Reply(503)]
    reply = client.post(
        f"/api/v1/tickets/{number}/messages", json={"text": "Retry me"}, headers=cast.alice.headers
    ).json()
    with database.sessions() as session:
        [item] = session.query(outbox.OutboxItem).filter_by(message_id=reply["id"]).all()
        assert item.status == outbox.OutboxStatus.PENDING
        assert item.attempts == 1
        assert "503" in (item.last_error or "")
        assert item.next_attempt_at > item.created_at
        item_id = item.id
        session.query(outbox.OutboxItem).filter_by(id=item_id).update(
            {"next_attempt_at": item.created_at}
        )
        session.commit()
    assert outbox.deliver(database, item_id, max_attempts=8) == outbox.OutboxStatus.SENT
    assert len(receiver.received) == 2


def test_a_permanent_failure_is_a_dead_letter_an_admin_can_replay(
    client: TestClient, cast: Cast, receiver: Receiver
) -> None:
    number, _ = _ticket_with_webhook(client, cast, receiver.url)
    receiver.replies = [Reply(410)]
    client.post(
        f"/api/v1/tickets/{number}/messages", json={"text": "Gone?"}, headers=cast.alice.headers
    )
    message = client.get(f"/api/v1/tickets/{number}/messages", headers=cast.alice.headers).json()[
        "items"
    ][-1]
    assert message["delivery_status"] == "failed"
    assert "410" in message["delivery_error"]
    timeline = client.get(f"/api/v1/tickets/{number}/timeline", headers=cast.alice.headers).json()[
        "items"
    ]
    assert "delivery.failed" in [e["kind"] for e in timeline]
    [dead] = client.get("/api/v1/admin/dead-letters", headers=cast.olivia.headers).json()["items"]
    replay = client.post(
        f"/api/v1/admin/dead-letters/{dead['id']}/replay", headers=cast.olivia.headers
    )
    assert replay.status_code == 202
    assert len(receiver.received) == 2
    message = client.get(f"/api/v1/tickets/{number}/messages", headers=cast.alice.headers).json()[
        "items"
    ][-1]
    assert message["delivery_status"] == "sent"
    assert (
        client.get("/api/v1/admin/dead-letters", headers=cast.olivia.headers).json()["items"] == []
    )
