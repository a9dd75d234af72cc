"""When a subscriber's receiver fails: retries with back-off, the history an admin reads, the
breaker that parks deliveries until an admin re-enables, dead letters and replay."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from tests.conftest import Cast, inbound
from tests.webhooks.receiver import Receiver, Reply
from tests.webhooks.test_subscriptions import V1, bodies, subscribe, verify

from minidesk import jobs, outbox, settings
from minidesk.db import Database, utcnow
from minidesk.events import Event
from minidesk.webhooks import retention
from minidesk.webhooks.models import WebhookSubscription
from minidesk.webhooks.signing import RESPONSE_BODY_BYTES


@pytest.fixture
def threshold_two(outbound: Callable[..., settings.Settings]) -> settings.Settings:
    return outbound(
        outbound_allow="127.0.0.0/8", outbound_allow_http=True, webhook_failure_threshold=2
    )


def _rows(database: Database) -> list[outbox.OutboxItem]:
    with database.sessions() as session:
        query = select(outbox.OutboxItem).where(outbox.OutboxItem.channel == "webhook")
        return list(session.scalars(query.order_by(outbox.OutboxItem.id)))


def _retry_now(database: Database) -> list[str | None]:
    """Make every waiting webhook row due and run its delivery, as the worker would."""
    with database.transaction() as session:
        session.execute(
            update(outbox.OutboxItem)
            .where(outbox.OutboxItem.status == outbox.OutboxStatus.PENDING)
            .values(next_attempt_at=utcnow() - dt.timedelta(seconds=1))
        )
    return [
        outbox.deliver(database, row.id, max_attempts=8)
        for row in _rows(database)
        if row.status == outbox.OutboxStatus.PENDING
    ]


def _history(client: TestClient, cast: Cast, webhook_id: int) -> list[dict[str, Any]]:
    response = client.get(f"{V1}/webhooks/{webhook_id}/deliveries", headers=cast.olivia.headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def _new_ticket(client: TestClient, cast: Cast, n: int) -> None:
    inbound(client, cast.alice, "Hello", f"dl-{n}", email=f"customer{n}@example.com")


@pytest.mark.usefixtures("loopback_allowed")
def test_a_500_is_retried_with_backoff_and_the_admin_reads_each_attempt(
    client: TestClient, cast: Cast, receiver: Receiver, database: Database
) -> None:
    created = subscribe(client, cast, receiver.url, ["ticket.created"])
    receiver.replies = [Reply(500, body=b"stack trace " * 200)]
    _new_ticket(client, cast, 1)
    [row] = _rows(database)
    assert row.status == outbox.OutboxStatus.PENDING
    assert row.attempts == 1
    wait = (row.next_attempt_at - utcnow()).total_seconds()
    assert 5 < wait < 13  # 10 s ± 20% jitter for the first retry
    [failed] = _history(client, cast, created["id"])
    assert failed["status"] == "failed"
    assert failed["http_status"] == 500
    assert failed["attempt"] == 1
    assert "500 Internal Server Error" in failed["error"]
    assert failed["latency_ms"] >= 0
    assert failed["response_body"].startswith("stack trace")
    assert len(failed["response_body"]) == RESPONSE_BODY_BYTES
    assert _retry_now(database) == [outbox.OutboxStatus.SENT]
    succeeded, _ = _history(client, cast, created["id"])
    assert (succeeded["status"], succeeded["attempt"]) == ("succeeded", 2)
    # The same delivery both times: the receiver dedupes on the key.
    first, second = receiver.received
    assert first.headers["Idempotency-Key"] == second.headers["Idempotency-Key"]
    assert verify(created["secret"], second.headers["X-Minidesk-Signature"], second.body)
    assert (
        client.get(f"{V1}/webhooks/{created['id']}", headers=cast.olivia.headers).json()[
            "consecutive_failures"
        ]
        == 0
    )


def test_the_breaker_opens_parks_deliveries_and_an_admin_re_enables_it(
    client: TestClient,
    cast: Cast,
    receiver: Receiver,
    database: Database,
    threshold_two: settings.Settings,
) -> None:
    created = subscribe(client, cast, receiver.url, ["ticket.created"])
    path = f"{V1}/webhooks/{created['id']}"
    receiver.replies = [Reply(500), Reply(503)]
    _new_ticket(client, cast, 1)
    assert client.get(path, headers=cast.olivia.headers).json()["state"] == "active"
    _new_ticket(client, cast, 2)
    failing = client.get(path, headers=cast.olivia.headers).json()
    assert failing["state"] == "failing"
    assert failing["failing_since"] is not None
    with database.sessions() as session:
        [opened] = session.scalars(select(Event).where(Event.kind == "webhook.failing")).all()
    assert opened.data["webhook_id"] == created["id"]
    assert opened.data["failures"] == 2
    # While open, nothing reaches the receiver: new deliveries and due retries wait.
    _new_ticket(client, cast, 3)
    assert _retry_now(database) == [outbox.OutboxStatus.PARKED] * 2
    assert len(receiver.received) == 2
    assert {row.status for row in _rows(database)} == {outbox.OutboxStatus.PARKED}
    # Re-enabling closes the breaker and sends the three that waited.
    reenabled = client.patch(path, json={"enabled": True}, headers=cast.olivia.headers)
    assert reenabled.status_code == 200, reenabled.text
    assert reenabled.json()["state"] == "active"
    assert len(receiver.received) == 5
    assert sorted(body["ticket_id"] for body in bodies(receiver)[2:]) == [1, 2, 3]
    assert {row.status for row in _rows(database)} == {outbox.OutboxStatus.SENT}


@pytest.mark.usefixtures("loopback_allowed")
def test_a_rejected_delivery_is_a_dead_letter_the_admin_replays(
    client: TestClient, cast: Cast, receiver: Receiver, database: Database
) -> None:
    created = subscribe(client, cast, receiver.url, ["ticket.created"])
    receiver.replies = [Reply(410)]
    _new_ticket(client, cast, 1)
    [dead] = client.get(f"{V1}/admin/dead-letters", headers=cast.olivia.headers).json()["items"]
    assert dead["channel"] == "webhook"
    assert "410" in dead["last_error"]
    [attempt] = _history(client, cast, created["id"])
    replay = f"{V1}/webhooks/{created['id']}/deliveries/{attempt['id']}/replay"
    assert client.post(replay, headers=cast.maya.headers).status_code == 403
    answer = client.post(replay, headers=cast.olivia.headers)
    assert answer.status_code == 202, answer.text
    assert len(receiver.received) == 2
    assert client.get(f"{V1}/admin/dead-letters", headers=cast.olivia.headers).json()["items"] == []
    assert [a["status"] for a in _history(client, cast, created["id"])] == ["succeeded", "failed"]
    # A delivered one may be sent again too (the receiver lost it), with the same key.
    assert client.post(replay, headers=cast.olivia.headers).status_code == 202
    assert len({r.headers["Idempotency-Key"] for r in receiver.received}) == 1
    # The dead letter's own failure is the admins' business, not another delivery.
    assert [body["type"] for body in bodies(receiver)] == ["ticket.created"] * 3


@pytest.mark.usefixtures("loopback_allowed")
def test_a_delivery_still_on_its_way_is_not_replayed(
    client: TestClient, cast: Cast, receiver: Receiver
) -> None:
    created = subscribe(client, cast, receiver.url, ["ticket.created"])
    receiver.replies = [Reply(503)]
    _new_ticket(client, cast, 1)
    [attempt] = _history(client, cast, created["id"])
    replay = f"{V1}/webhooks/{created['id']}/deliveries/{attempt['id']}/replay"
    assert client.post(replay, headers=cast.olivia.headers).status_code == 409
    other = f"{V1}/webhooks/{created['id'] + 1}/deliveries/{attempt['id']}/replay"
    assert client.post(other, headers=cast.olivia.headers).status_code == 404


def test_deleting_a_subscription_drops_what_waits_for_it(
    client: TestClient,
    cast: Cast,
    receiver: Receiver,
    database: Database,
    threshold_two: settings.Settings,
) -> None:
    created = subscribe(client, cast, receiver.url, ["ticket.created"])
    receiver.replies = [Reply(500), Reply(500)]
    for n in (1, 2, 3):
        _new_ticket(client, cast, n)
    assert len(_rows(database)) == 3
    deleted = client.delete(f"{V1}/webhooks/{created['id']}", headers=cast.olivia.headers)
    assert deleted.status_code == 204
    assert _rows(database) == []
    gone = client.get(f"{V1}/webhooks/{created['id']}/deliveries", headers=cast.olivia.headers)
    assert gone.status_code == 404


@pytest.mark.usefixtures("loopback_allowed")
def test_a_webhooks_own_failure_is_not_delivered_to_other_subscribers(
    client: TestClient, cast: Cast, receiver: Receiver, another_receiver: Receiver
) -> None:
    # Otherwise two failing receivers subscribed to delivery.* would feed each other forever.
    subscribe(client, cast, receiver.url, ["ticket.created"])
    subscribe(client, cast, another_receiver.url, ["delivery.*"])
    receiver.replies = [Reply(410)]
    _new_ticket(client, cast, 1)
    assert len(receiver.received) == 1
    assert another_receiver.received == []


def test_the_sweep_sends_a_row_parked_while_an_admin_re_enabled(
    client: TestClient,
    cast: Cast,
    receiver: Receiver,
    database: Database,
    threshold_two: settings.Settings,
) -> None:
    created = subscribe(client, cast, receiver.url, ["ticket.created"])
    receiver.replies = [Reply(500), Reply(500)]
    for n in (1, 2, 3):
        _new_ticket(client, cast, n)
    # The race: the sender saw "failing" and parked, the admin's re-enable had just run.
    with database.transaction() as session:
        session.execute(
            update(WebhookSubscription)
            .where(WebhookSubscription.id == created["id"])
            .values(failing_since=None, consecutive_failures=0)
        )
    assert [row.status for row in _rows(database)][-1] == outbox.OutboxStatus.PARKED
    jobs.run_sweep(utcnow())
    assert _rows(database)[-1].status == outbox.OutboxStatus.SENT
    assert bodies(receiver)[-1]["ticket_id"] == 3


def test_history_older_than_its_days_is_pruned_but_owed_deliveries_stay(
    client: TestClient,
    cast: Cast,
    receiver: Receiver,
    database: Database,
    threshold_two: settings.Settings,
) -> None:
    created = subscribe(client, cast, receiver.url, ["ticket.created"])
    _new_ticket(client, cast, 1)  # delivered
    receiver.replies = [Reply(500), Reply(500)]
    for n in (2, 3, 4):  # two failures open the breaker; the third waits parked
        _new_ticket(client, cast, n)
    statuses = [row.status for row in _rows(database)]
    assert statuses == ["sent", "pending", "pending", "parked"]
    assert len(_history(client, cast, created["id"])) == 3
    now = utcnow()
    # A month and a day later, everything is past the default 30 days.
    later = now + dt.timedelta(days=31)
    assert retention.prune_history(later) == 3 + 1  # three attempts, the delivered row
    assert [row.status for row in _rows(database)] == ["pending", "pending", "parked"]
    assert _history(client, cast, created["id"]) == []
    assert retention.prune_history(later) == 0
    # Within the window nothing goes.
    _new_ticket(client, cast, 5)
    assert retention.prune_history(now + dt.timedelta(days=29)) == 0
