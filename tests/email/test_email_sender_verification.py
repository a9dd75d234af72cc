"""Email senders are verified by SPF/DKIM/DMARC, not by what the From header says.

Over SMTP the listener checks for itself (a real DKIM signature made here with a generated RSA
key, published in a fake DNS zone): the customer's own signed mail gets the password reset,
the same mail with a forged From is handed off. Over IMAP and provider webhooks only the
Authentication-Results header of an upstream the admin trusts counts."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import smtplib
import time
from typing import Any

import dkim
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Cast
from tests.email.conftest import SUPPORT, Zone
from tests.email.dovecot import HOST, PASSWORD, Dovecot
from tests.email.mailflow import customer_mail

from minidesk.channels.email import poller
from minidesk.commerce.models import StoreOperation
from minidesk.commerce.sample import seed_store
from minidesk.db import Database, utcnow
from minidesk.desk.models import Direction, Message, Ticket

EMMA = "emma.garcia@example.com"
RESET = "I forgot my password, please send a reset link"
SELECTOR = "mail2026"


class Signer:
    """A domain's DKIM key, its public half published in the zone."""

    def __init__(self, zone: Zone, domain: str) -> None:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.domain = domain
        self.pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )  # fmt: skip
        public = key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        zone.add(f"{SELECTOR}._domainkey.{domain}", "TXT",
                 f"v=DKIM1; k=rsa; p={base64.b64encode(public).decode()}")  # fmt: skip

    def sign(self, raw: bytes) -> bytes:
        wire = re.sub(rb"\r?\n", b"\r\n", raw)
        header = dkim.sign(wire, SELECTOR.encode(), self.domain.encode(), self.pem,
                           include_headers=[b"from", b"to", b"subject", b"message-id"])  # fmt: skip
        return header + wire


@pytest.fixture
def shop(database: Database, zone: Zone) -> Database:
    with database.transaction() as session:
        seed_store(session, utcnow(), customers=4, orders=12)
    # The customer's domain: mail only from its own servers (not 127.0.0.1), DMARC reject.
    zone.add("example.com", "TXT", "v=spf1 ip4:192.0.2.10 -all")
    zone.add("_dmarc.example.com", "TXT", "v=DMARC1; p=reject; adkim=r; aspf=r")
    return database


def _send(port: int, raw: bytes, mail_from: str = EMMA) -> None:
    with smtplib.SMTP("127.0.0.1", port) as client:
        client.sendmail(mail_from, [SUPPORT], re.sub(rb"\r?\n", b"\r\n", raw))


def _outcome(database: Database) -> tuple[list[str], dict[str, Any], list[str]]:
    with database.sessions() as session:
        operations = list(session.scalars(select(StoreOperation.kind)))
        inbound = select(Message).where(Message.direction == Direction.INBOUND)
        message = session.scalars(inbound).one()
        tags = session.scalars(select(Ticket)).one().tags
        return operations, message.meta["email"]["auth"], list(tags)


def test_a_dkim_signed_mail_from_the_customer_gets_the_password_reset(
    listener: int, shop: Database, zone: Zone
) -> None:
    signer = Signer(zone, "example.com")
    _send(listener, signer.sign(customer_mail(f"Emma <{EMMA}>", "Password", RESET)))
    operations, auth, _ = _outcome(shop)
    assert operations == ["password_reset"]
    assert auth["verdict"] == "pass" and auth["source"] == "smtp"
    assert (auth["dkim"], auth["dkim_domains"], auth["dmarc"]) == ("pass", ["example.com"], "pass")
    assert auth["spf"] == "fail", "127.0.0.1 is not among example.com's senders"


def test_a_forged_from_is_handed_off_even_when_signed_by_the_forger(
    listener: int, shop: Database, zone: Zone
) -> None:
    forger = Signer(zone, "evil.example")
    _send(listener, forger.sign(customer_mail(f"Emma <{EMMA}>", "Password", RESET)),
          mail_from="mallory@evil.example")  # fmt: skip
    operations, auth, tags = _outcome(shop)
    assert operations == [] and "handoff" in tags
    assert (auth["dkim"], auth["dkim_domains"]) == ("pass", ["evil.example"])
    assert (auth["dmarc"], auth["policy"], auth["verdict"]) == ("fail", "reject", "fail")


def test_a_mail_altered_after_signing_is_not_verified(
    listener: int, shop: Database, zone: Zone
) -> None:
    signed = Signer(zone, "example.com").sign(customer_mail(f"Emma <{EMMA}>", "Password", RESET))
    _send(listener, signed.replace(b"reset link", b"reset link to mallory@evil.example"))
    operations, auth, _ = _outcome(shop)
    assert operations == [] and (auth["dkim"], auth["verdict"]) == ("fail", "fail")


def test_an_spf_pass_aligned_with_the_from_domain_verifies(
    listener: int, shop: Database, zone: Zone
) -> None:
    zone.records[("example.com", "TXT")] = ["v=spf1 ip4:127.0.0.1 -all"]
    _send(listener, customer_mail(f"Emma <{EMMA}>", "Password", RESET))
    operations, auth, _ = _outcome(shop)
    assert operations == ["password_reset"]
    assert (auth["spf"], auth["spf_domain"], auth["verdict"]) == ("pass", "example.com", "pass")


def test_two_from_addresses_are_never_verified(listener: int, shop: Database, zone: Zone) -> None:
    zone.records[("example.com", "TXT")] = ["v=spf1 ip4:127.0.0.1 -all"]
    _send(listener, customer_mail(f"Emma <{EMMA}>, boss@example.com", "Password", RESET))
    operations, auth, _ = _outcome(shop)
    assert operations == [] and auth["verdict"] == "fail"


KEY = "key-mailgun-signing-1234"
TRUSTED = "mx.provider.example"


def _mailgun(client: TestClient, support: int, raw: bytes, token: str) -> None:
    stamp = str(int(time.time()))
    signature = hmac.new(KEY.encode(), (stamp + token).encode(), hashlib.sha256).hexdigest()
    form = {"timestamp": stamp, "token": token, "signature": signature,
            "recipient": SUPPORT, "body-mime": raw.decode("latin-1")}  # fmt: skip
    assert client.post(f"/hooks/email/{support}/mailgun", data=form).status_code == 200


def _with_results(*values: str) -> bytes:
    raw = customer_mail(f"Emma <{EMMA}>", "Password", RESET)
    return b"".join(f"Authentication-Results: {v}\r\n".encode() for v in values) + raw


@pytest.mark.parametrize(
    ("headers", "verified"),
    [
        # The trusted upstream's own verdict.
        ([f"{TRUSTED}; dmarc=pass (p=reject) header.from=example.com"], True),
        ([f"{TRUSTED}; dkim=pass header.d=example.com; spf=fail smtp.mailfrom=x@evil.example"],
         True),
        # DMARC passed, but for another From domain than this mail's.
        ([f"{TRUSTED}; dmarc=pass header.from=evil.example"], False),
        # Another server's word, however good it sounds.
        (["mx.forger.example; dmarc=pass header.from=example.com"], False),
        # Below the trusted hop: written before our upstream saw the mail.
        ([f"{TRUSTED}; dmarc=fail header.from=example.com",
          f"{TRUSTED}; dmarc=pass header.from=example.com"], False),
        ([f"{TRUSTED}; dkim=pass header.d=evil.example"], False),
        ([], False),
    ],
)  # fmt: skip
def test_webhook_mail_is_verified_only_by_a_trusted_upstream(
    client: TestClient, cast: Cast, support: int, shop: Database, headers: list[str],
    verified: bool,
) -> None:  # fmt: skip
    body = {"webhook_key": KEY, "trusted_authserv_ids": [TRUSTED]}
    response = client.patch(f"/api/v1/email-channels/{support}", headers=cast.olivia.headers,
                            json=body)  # fmt: skip
    assert response.json()["trusted_authserv_ids"] == [TRUSTED]
    _mailgun(client, support, _with_results(*headers), "tok-1")
    operations, auth, _ = _outcome(shop)
    assert (auth["verdict"] == "pass") is verified
    assert (operations == ["password_reset"]) is verified


def test_trusted_authserv_ids_must_be_host_names(
    client: TestClient, cast: Cast, support: int
) -> None:
    body = {"trusted_authserv_ids": ["mx.google.com; dmarc=pass"]}
    response = client.patch(f"/api/v1/email-channels/{support}", headers=cast.olivia.headers,
                            json=body)  # fmt: skip
    assert response.status_code == 422


def test_imap_mail_is_verified_by_the_trusted_upstream_header_only(
    client: TestClient, cast: Cast, support: int, shop: Database, dovecot: Dovecot
) -> None:
    user = dovecot.add_user()
    body = {"imap_host": HOST, "imap_port": dovecot.tls_port, "imap_security": "tls",
            "imap_username": user, "imap_password": PASSWORD, "imap_ca_file": str(dovecot.cert),
            "trusted_authserv_ids": [TRUSTED]}  # fmt: skip
    assert client.patch(f"/api/v1/email-channels/{support}", json=body,
                        headers=cast.olivia.headers).status_code == 200  # fmt: skip
    genuine = _with_results(f"{TRUSTED}; dkim=pass header.d=example.com")
    forged = _with_results("mx.forger.example; dkim=pass header.d=example.com")
    dovecot.deliver(user, genuine, forged.replace(b"Password", b"Reset please"))
    assert poller.poll_mailbox(support).imported == 2
    with shop.sessions() as session:
        inbound = select(Message).where(Message.direction == Direction.INBOUND)
        verdicts = [m.meta["email"]["auth"]["verdict"] for m in session.scalars(inbound)]
    assert sorted(verdicts) == ["fail", "pass"]


def test_a_trusted_looking_header_sent_straight_to_the_listener_counts_for_nothing(
    client: TestClient, cast: Cast, listener: int, support: int, shop: Database
) -> None:
    body = {"trusted_authserv_ids": [TRUSTED]}
    assert client.patch(f"/api/v1/email-channels/{support}", headers=cast.olivia.headers,
                        json=body).status_code == 200  # fmt: skip
    _send(listener, _with_results(f"{TRUSTED}; dmarc=pass header.from=example.com"),
          mail_from="mallory@evil.example")  # fmt: skip
    operations, auth, _ = _outcome(shop)
    assert operations == [] and (auth["source"], auth["verdict"]) == ("smtp", "fail")


@pytest.mark.parametrize("signer_domain", ["example.com", "evil.example"])
def test_only_the_customers_own_signed_mail_gets_a_refund_offer(
    listener: int, shop: Database, zone: Zone, signer_domain: str
) -> None:
    signer = Signer(zone, signer_domain)
    ask = customer_mail(f"Emma <{EMMA}>", "Refund", "I want a refund of $25 for order 1003")
    _send(listener, signer.sign(ask))
    with shop.sessions() as session:
        outbound = select(Message.text).where(Message.direction == Direction.OUTBOUND)
        replies = list(session.scalars(outbound))
        tags = session.scalars(select(Ticket)).one().tags
    offered = any("Reply YES REFUND" in text for text in replies)
    assert offered is (signer_domain == "example.com")
    assert ("handoff" in tags) is (signer_domain != "example.com")
