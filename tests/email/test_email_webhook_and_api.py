"""Mailgun's raw-MIME route with its signature verified; the admin API keeps secrets
write-only and stores them encrypted."""

from __future__ import annotations

import hashlib
import hmac
import time

from fastapi.testclient import TestClient
from tests.conftest import Cast
from tests.email.conftest import fixture
from tests.email.mailflow import inbound_texts

from minidesk.channels.email import tokens
from minidesk.channels.email.models import EmailChannel
from minidesk.db import Database

KEY = "key-mailgun-signing-1234"


def _signed(timestamp: str, token: str, key: str = KEY) -> str:
    return hmac.new(key.encode(), (timestamp + token).encode(), hashlib.sha256).hexdigest()


def test_a_signed_mailgun_mime_post_becomes_a_ticket_and_a_forged_one_does_not(
    client: TestClient, cast: Cast, support: int
) -> None:
    response = client.patch(f"/api/v1/email-channels/{support}", json={"webhook_key": KEY},
                            headers=cast.olivia.headers)  # fmt: skip
    assert response.json()["webhook_key_set"] is True
    assert KEY not in response.text
    now = str(int(time.time()))
    form = {"timestamp": now, "token": "tok-1", "recipient": "support@shop.example",
            "body-mime": fixture("new_request.eml").decode("latin-1")}  # fmt: skip
    forged = client.post(f"/hooks/email/{support}/mailgun",
                         data={**form, "signature": _signed(now, "tok-1", "wrong")})  # fmt: skip
    assert forged.status_code == 406
    old = str(int(time.time()) - 3600)
    stale = {**form, "timestamp": old, "signature": _signed(old, "tok-1")}
    replayed = client.post(f"/hooks/email/{support}/mailgun", data=stale)
    assert replayed.status_code == 406
    accepted = client.post(f"/hooks/email/{support}/mailgun",
                           data={**form, "signature": _signed(now, "tok-1")})  # fmt: skip
    assert accepted.status_code == 200, accepted.text
    assert accepted.json() == {"status": "accepted"}
    tickets = client.get("/api/v1/tickets", headers=cast.olivia.headers).json()["items"]
    assert len(tickets) == 1
    assert inbound_texts(tickets[0]["number"])[0].startswith("Hello,")


def test_imap_passwords_are_write_only_and_encrypted(
    client: TestClient, cast: Cast, support: int, database: Database
) -> None:
    body = {"address": "billing@shop.example", "imap_host": "imap.shop.example",
            "imap_username": "billing", "imap_password": "hunter2-secret"}  # fmt: skip
    response = client.post("/api/v1/email-channels", json=body, headers=cast.olivia.headers)
    assert response.status_code == 201, response.text
    assert "hunter2" not in response.text and response.json()["imap_password_set"] is True
    listed = client.get("/api/v1/email-channels", headers=cast.olivia.headers)
    assert "hunter2" not in listed.text
    with database.sessions() as session:
        row = session.get_one(EmailChannel, response.json()["id"])
        assert row.imap_password_encrypted and "hunter2" not in row.imap_password_encrypted
        assert tokens.decrypt(row.imap_password_encrypted) == "hunter2-secret"
    plaintext = {**body, "address": "x@shop.example", "imap_security": "none"}
    refused = client.post("/api/v1/email-channels", json=plaintext, headers=cast.olivia.headers)
    assert refused.status_code == 422 and "plaintext" in refused.json()["detail"]
    assert client.get("/api/v1/email-channels", headers=cast.alice.headers).status_code == 403
