"""API-channel replies pushed to a real local webhook receiver: signed, retried, dead-lettered."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound

from minidesk import outbox
from minidesk.db import Database


class Receiver:
    """A real HTTP server on loopback answering with scripted statuses."""

    def __init__(self) -> None:
        self.statuses: list[int] = []
        self.requests: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"nope" if status >= 400 else b"ok")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.server.shutdown()


def _ticket_with_webhook(client: TestClient, cast: Cast, url: str) -> int:
    first = inbound(client, cast.alice, "Hello", "wh-1")
    number = first["ticket_number"]
    customer = client.get(f"/api/v1/tickets/{number}", headers=cast.alice.headers).json()[
        "customer_id"
    ]
    client.patch(
        f"/api/v1/customers/{customer}", json={"webhook_url": url}, headers=cast.alice.headers
    )
    assert isinstance(number, int)
    return number


def test_a_reply_is_pushed_signed_to_the_customers_webhook(
    client: TestClient, cast: Cast, receiver: Receiver
) -> None:
    number = _ticket_with_webhook(client, cast, receiver.url)
    client.post(
        f"/api/v1/tickets/{number}/messages",
        json={"text": "On its way"},
        headers=cast.alice.headers,
    )
    [(headers, body)] = receiver.requests
    assert json.loads(body)["text"] == "On its way"
    assert json.loads(body)["ticket_number"] == number
    timestamp, mac = (part.split("=", 1)[1] for part in headers["X-Minidesk-Signature"].split(","))
    expected = hmac.new(
        b"test-secret-key", f"{timestamp}.".encode() + body, hashlib.sha256
    ).hexdigest()
    assert hmac.compare_digest(mac, expected)
    assert headers["Idempotency-Key"].startswith("minidesk-outbox-")
    messages = client.get(f"/api/v1/tickets/{number}/messages", headers=cast.alice.headers).json()[
        "items"
    ]
    assert messages[-1]["delivery_status"] == "sent"


def test_a_temporary_failure_is_retried_with_backoff(
    client: TestClient, cast: Cast, receiver: Receiver, database: Database
) -> None:
    number = _ticket_with_webhook(client, cast, receiver.url)
    receiver.statuses = [503]
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
    assert len(receiver.requests) == 2


def test_a_permanent_failure_is_a_dead_letter_an_admin_can_replay(
    client: TestClient, cast: Cast, receiver: Receiver
) -> None:
    number = _ticket_with_webhook(client, cast, receiver.url)
    receiver.statuses = [410]
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
    assert len(receiver.requests) == 2
    message = client.get(f"/api/v1/tickets/{number}/messages", headers=cast.alice.headers).json()[
        "items"
    ][-1]
    assert message["delivery_status"] == "sent"
    assert (
        client.get("/api/v1/admin/dead-letters", headers=cast.olivia.headers).json()["items"] == []
    )
