"""A Mailgun signature (timestamp, token, signature) is good for one post: replaying a
captured triple with another body is refused like a forgery, while a forged post does not
use up a token that Mailgun itself may still send."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import time

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Cast
from tests.email.mailflow import customer_mail

from minidesk.channels.email.models import EmailWebhookToken
from minidesk.db import Database, utcnow

KEY = "key-mailgun-signing-1234"


def _form(support: int, client: TestClient, cast: Cast, token: str, text: str,
          key: str = KEY, timestamp: int | None = None) -> dict[str, str]:  # fmt: skip
    stamp = str(timestamp or int(time.time()))
    mail = customer_mail("Emma <emma@example.com>", "Refund", text)
    return {
        "timestamp": stamp, "token": token, "recipient": "support@shop.example",
        "signature": hmac.new(key.encode(), (stamp + token).encode(), hashlib.sha256).hexdigest(),
        "body-mime": mail.decode("latin-1"),
    }  # fmt: skip


def _setup(client: TestClient, cast: Cast, support: int) -> None:
    response = client.patch(f"/api/v1/email-channels/{support}", json={"webhook_key": KEY},
                            headers=cast.olivia.headers)  # fmt: skip
    assert response.status_code == 200


def test_a_replayed_mailgun_signature_with_another_body_is_refused(
    client: TestClient, cast: Cast, support: int
) -> None:
    _setup(client, cast, support)
    first = _form(support, client, cast, "tok-replay", "Where is order #1001?")
    assert client.post(f"/hooks/email/{support}/mailgun", data=first).status_code == 200
    replay = {**first, "body-mime": _form(support, client, cast, "x", "YES REFUND")["body-mime"]}
    refused = client.post(f"/hooks/email/{support}/mailgun", data=replay)
    assert refused.status_code == 406
    assert refused.json()["type"].endswith("/invalid-signature")
    assert client.post(f"/hooks/email/{support}/mailgun", data=first).status_code == 406
    tickets = client.get("/api/v1/tickets", headers=cast.olivia.headers).json()["items"]
    assert len(tickets) == 1


def test_a_forged_post_does_not_use_up_a_token(
    client: TestClient, cast: Cast, support: int
) -> None:
    _setup(client, cast, support)
    forged = _form(support, client, cast, "tok-later", "hello", key="guessed")
    assert client.post(f"/hooks/email/{support}/mailgun", data=forged).status_code == 406
    genuine = _form(support, client, cast, "tok-later", "Where is order #1001?")
    assert client.post(f"/hooks/email/{support}/mailgun", data=genuine).status_code == 200


def test_used_tokens_are_kept_while_their_signature_is_valid_then_pruned(
    client: TestClient, cast: Cast, support: int, database: Database
) -> None:
    _setup(client, cast, support)
    aging = _form(support, client, cast, "tok-aging", "Order #1001?",
                  timestamp=int(time.time()) - 290)  # fmt: skip
    assert client.post(f"/hooks/email/{support}/mailgun", data=aging).status_code == 200
    with database.transaction() as session:
        [row] = session.scalars(select(EmailWebhookToken)).all()
        assert 0 < (row.expires_at - utcnow()).total_seconds() <= 10
        row.expires_at = utcnow() - dt.timedelta(seconds=1)  # as if ten seconds had passed
    fresh = _form(support, client, cast, "tok-fresh", "Order #1002?")
    assert client.post(f"/hooks/email/{support}/mailgun", data=fresh).status_code == 200
    with database.sessions() as session:
        [kept] = session.scalars(select(EmailWebhookToken)).all()
        assert kept.expires_at > utcnow()
