"""Issue 9, finding 11: one master key signed everything, and every webhook receiver held it.
Each use now has its own derived key, each customer's webhook its own stored secret."""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from fastapi.testclient import TestClient
from tests.conftest import Cast
from tests.webhooks.conftest import Configure, customer_of
from tests.webhooks.receiver import Receiver
from tests.webhooks.test_customer_webhook_ssrf import verify

from minidesk import keys, settings
from minidesk.channels.email import tokens
from minidesk.db import Database
from minidesk.desk.models import Customer


def _legacy_key(master: bytes, label: bytes) -> bytes:
    """How the email channel derived its keys before ``minidesk.keys`` existed."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"minidesk-email", info=label)
    return hkdf.derive(master)


def test_every_purpose_has_its_own_key_and_none_is_the_master_key(
    config: settings.Settings,
) -> None:
    derived = {purpose: keys.derive_key(purpose) for purpose in keys.Purpose}
    assert len(set(derived.values())) == len(keys.Purpose)
    assert config.secret not in derived.values()
    assert all(len(key) == 32 for key in derived.values())


def test_mail_signed_and_secrets_stored_before_the_upgrade_still_verify_and_decrypt(
    config: settings.Settings,
) -> None:
    old_token_key = _legacy_key(config.secret, b"ticket-token")
    mac = hmac.new(old_token_key, b"t42", hashlib.sha256).digest()
    old_signature = base64.b32encode(mac).decode().lower()[: tokens.SIGNATURE_CHARS]
    assert tokens.verified_plus_ticket([f"support+t42-{old_signature}@shop.example"]) == 42
    old_fernet = Fernet(base64.urlsafe_b64encode(_legacy_key(config.secret, b"stored-credentials")))
    assert tokens.decrypt(old_fernet.encrypt(b"hunter2").decode()) == "hunter2"


def test_a_customers_webhook_secret_is_stored_encrypted(
    client: TestClient, cast: Cast, database: Database, loopback_allowed: settings.Settings
) -> None:
    _, customer = customer_of(client, cast)
    secret = client.patch(
        f"/api/v1/customers/{customer}",
        json={"webhook_url": "https://93.184.215.14/hook"},
        headers=cast.olivia.headers,
    ).json()["webhook_secret"]
    with database.sessions() as session:
        stored = session.get_one(Customer, customer).webhook_secret_encrypted
    assert stored is not None
    assert secret not in stored
    assert keys.decrypt(stored) == secret


def test_a_webhook_set_before_per_customer_secrets_waits_for_an_admin_to_issue_one(
    client: TestClient,
    cast: Cast,
    database: Database,
    receiver: Receiver,
    loopback_allowed: settings.Settings,
) -> None:
    number, customer = customer_of(client, cast)
    with database.transaction() as session:  # as migration 0011 leaves an older webhook
        session.get_one(Customer, customer).webhook_url = receiver.url
    client.post(
        f"/api/v1/tickets/{number}/messages", json={"text": "Hi"}, headers=cast.alice.headers
    )
    assert receiver.received == []  # never signed with a key the receiver does not have
    [dead] = client.get("/api/v1/admin/dead-letters", headers=cast.olivia.headers).json()["items"]
    assert "no signing secret" in dead["last_error"]
    secret = client.post(
        f"/api/v1/customers/{customer}/webhook-secret", headers=cast.olivia.headers
    ).json()["webhook_secret"]
    client.post(f"/api/v1/admin/dead-letters/{dead['id']}/replay", headers=cast.olivia.headers)
    [request] = receiver.received
    assert verify(secret, request.headers["X-Minidesk-Signature"], request.body)


def test_a_secret_stored_under_another_master_key_parks_the_reply_for_an_admin(
    client: TestClient, cast: Cast, receiver: Receiver, outbound: Configure
) -> None:
    outbound(outbound_allow="127.0.0.0/8", outbound_allow_http=True)
    number, customer = customer_of(client, cast)
    client.patch(
        f"/api/v1/customers/{customer}",
        json={"webhook_url": receiver.url},
        headers=cast.olivia.headers,
    )
    outbound(
        outbound_allow="127.0.0.0/8", outbound_allow_http=True, secret_key="another-key-" * 4
    )
    client.post(
        f"/api/v1/tickets/{number}/messages", json={"text": "Hi"}, headers=cast.alice.headers
    )
    assert receiver.received == []
    [dead] = client.get("/api/v1/admin/dead-letters", headers=cast.olivia.headers).json()["items"]
    assert "webhook secret cannot be decrypted" in dead["last_error"]
