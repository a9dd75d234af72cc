"""Broken mail never crashes anything: readable mail with a sender becomes a ticket, the rest
is quarantined with the reason, listed for admins and retryable from the stored original."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast
from tests.email.conftest import fixture
from tests.email.mailflow import inbound_texts, receive, ticket_of

from minidesk.channels.email.receive import Outcome


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("broken_charset.eml", "Bonjour, ma commande est arrivée abîmée. Le carton était "
         "déchiré.\nMerci de me rembourser."),
        ("broken_mime.eml", "I would like a refund for order 1002, the shoes do not fit."),
    ],
)  # fmt: skip
def test_readable_broken_mail_becomes_a_ticket(name: str, text: str, support: int) -> None:
    received = receive(fixture(name))
    assert received.outcome == Outcome.ACCEPTED
    assert inbound_texts(ticket_of(received)) == [text]


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "no sender address"),
        (fixture("binary_garbage.eml"), "no sender address"),
        (fixture("broken_no_sender.eml"), "no sender address"),
        (
            b"From: x@example.com\nSubject: hi\n\n" + b"\x00\x01\xff\xfe\x80\x81\x9d" * 40,
            "not readable",
        ),
    ],
)
def test_unusable_mail_is_quarantined_with_the_reason(
    raw: bytes, reason: str, client: TestClient, cast: Cast, support: int
) -> None:
    received = receive(raw)
    assert received.outcome == Outcome.QUARANTINED
    assert reason in received.reason
    listed = client.get("/api/v1/admin/inbox", headers=cast.olivia.headers).json()["items"]
    assert [(row["id"], row["status"]) for row in listed] == [(received.inbox_id, "quarantined")]
    assert reason in listed[0]["error"]


def test_a_quarantined_mail_is_retried_from_its_stored_original(
    client: TestClient, cast: Cast, support: int
) -> None:
    received = receive(fixture("broken_no_sender.eml"))
    response = client.post(f"/api/v1/email-channels/quarantine/{received.inbox_id}/retry",
                           headers=cast.olivia.headers)  # fmt: skip
    assert response.status_code == 409
    assert "no sender address" in response.json()["detail"]
    assert client.post(f"/api/v1/email-channels/quarantine/{received.inbox_id}/retry",
                       headers=cast.alice.headers).status_code == 403  # fmt: skip


def test_mail_from_our_own_address_is_a_loop_and_quarantined(support: int) -> None:
    raw = b"From: support@shop.example\nTo: support@shop.example\nSubject: x\n\nloop"
    received = receive(raw)
    assert received.outcome == Outcome.QUARANTINED
    assert "mail loop" in received.reason
