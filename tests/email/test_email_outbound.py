"""Replies leave over SMTP (captured by a real aiosmtpd server) with threading headers, the
signed Reply-To, text and HTML; 4xx retries, 5xx is a dead letter with the server's reason."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Cast
from tests.email.conftest import Sink
from tests.email.mailflow import customer_mail, receive, ticket_of

from minidesk import outbox
from minidesk.channels.email import tokens
from minidesk.db import Database
from minidesk.desk.models import Direction, Message


def _ticket(support: int) -> int:
    raw = customer_mail("Emma Larsen <emma.larsen@example.com>", "Where is my order?", "Hi",
                        message_id="<first@example.com>")  # fmt: skip
    return ticket_of(receive(raw))


def test_a_reply_carries_threading_headers_and_a_signed_reply_to(
    client: TestClient, cast: Cast, sink: Sink, support: int, database: Database
) -> None:
    ticket = _ticket(support)
    client.post(f"/api/v1/tickets/{ticket}/messages", json={"text": "On its way!\n\nShop"},
                headers=cast.alice.headers)  # fmt: skip
    [mail] = [m for m in sink.messages if "On its way" in m.get_body(("plain",)).get_content()]
    assert mail["To"] == "Emma Larsen <emma.larsen@example.com>"
    assert mail["From"].addresses[0].addr_spec == "support@shop.example"
    assert mail["Subject"] == f"Re: Where is my order? [#{ticket}]"
    assert mail["In-Reply-To"] == "<first@example.com>"
    assert mail["References"].startswith("<first@example.com>")
    assert mail["Reply-To"] == tokens.plus_address("support@shop.example", ticket)
    assert "Auto-Submitted" not in mail
    assert mail.get_body(("plain",)).get_content().startswith("On its way!")
    assert "<p>On its way!</p>" in mail.get_body(("html",)).get_content()
    with database.sessions() as session:
        sent = session.scalars(
            select(Message).where(Message.direction == Direction.OUTBOUND).order_by(Message.id)
        ).all()[-1]
        assert f"<{sent.external_id}>" == mail["Message-ID"]
        assert sent.delivery_status == "sent"


def test_the_channel_from_name_and_signature_are_used(
    client: TestClient, cast: Cast, sink: Sink, support: int
) -> None:
    client.patch(f"/api/v1/email-channels/{support}", headers=cast.olivia.headers,
                 json={"from_name": "Shop Support", "signature": "The Shop team"})  # fmt: skip
    ticket = _ticket(support)
    client.post(f"/api/v1/tickets/{ticket}/messages", json={"text": "Done."},
                headers=cast.alice.headers)  # fmt: skip
    mail = sink.messages[-1]
    assert mail["From"] == "Shop Support <support@shop.example>"
    text = mail.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert text == "Done.\n\n-- \nThe Shop team\n"


def test_a_4xx_answer_is_retried_and_then_delivered(
    client: TestClient, cast: Cast, sink: Sink, support: int, database: Database
) -> None:
    ticket = _ticket(support)
    sink.codes = ["451 4.7.1 greylisted, try again later"]
    before = len(sink.messages)
    client.post(f"/api/v1/tickets/{ticket}/messages", json={"text": "Retry me"},
                headers=cast.alice.headers)  # fmt: skip
    with database.transaction() as session:
        item = session.scalars(
            select(outbox.OutboxItem)
            .where(outbox.OutboxItem.ticket_id == ticket)
            .order_by(outbox.OutboxItem.id.desc())
        ).first()
        assert item is not None
        assert item.status == outbox.OutboxStatus.PENDING
        assert "451" in (item.last_error or "")
        item.next_attempt_at = item.created_at
        item_id = item.id
    assert outbox.deliver(database, item_id, max_attempts=8) == outbox.OutboxStatus.SENT
    assert len(sink.messages) == before + 1


def test_a_5xx_answer_is_a_dead_letter_with_the_reason_on_the_ticket(
    client: TestClient, cast: Cast, sink: Sink, support: int
) -> None:
    ticket = _ticket(support)
    sink.codes = ["550 5.1.1 <emma.larsen@example.com>: user unknown"]
    client.post(f"/api/v1/tickets/{ticket}/messages", json={"text": "Hello?"},
                headers=cast.alice.headers)  # fmt: skip
    items = client.get(f"/api/v1/tickets/{ticket}/messages", headers=cast.alice.headers).json()
    failed = next(m for m in items["items"] if m["text"] == "Hello?")
    assert failed["delivery_status"] == "failed"
    assert "550 5.1.1 <emma.larsen@example.com>: user unknown" in failed["delivery_error"]
    timeline = client.get(f"/api/v1/tickets/{ticket}/timeline", headers=cast.alice.headers)
    assert "delivery.failed" in [e["kind"] for e in timeline.json()["items"]]
