"""Replies share open SMTP connections; a connection the server dropped, one idle too long or
one that has carried its share of messages is replaced before anything is sent on it."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Cast
from tests.email.conftest import Sink
from tests.email.mailflow import agent_reply, customer_mail, receive, ticket_of

from minidesk import outbox
from minidesk.channels.base import DeliveryError
from minidesk.channels.email import smtp_out
from minidesk.channels.email.smtp_out import SmtpPool
from minidesk.db import Database

MAIL = b"From: support@shop.example\r\nSubject: Hello\r\n\r\nHello Emma\r\n"


def _ticket() -> int:
    raw = customer_mail("Emma Larsen <emma.larsen@example.com>", "Where is my order?", "Hi")
    return ticket_of(receive(raw))


def _send(pool: SmtpPool, sink: Sink) -> None:
    with pool.connection(sink.url) as client:
        client.sendmail("support@shop.example", ["emma.larsen@example.com"], MAIL)


def test_replies_share_one_connection(
    client: TestClient, cast: Cast, sink: Sink, support: int
) -> None:
    ticket = _ticket()
    for text in ("One", "Two", "Three"):
        agent_reply(client, cast.alice, ticket, sink, text)
    assert sink.connections == 1


@pytest.mark.parametrize("sink", [0.5], indirect=True)
def test_a_connection_the_server_hung_up_on_is_replaced_before_sending(
    client: TestClient, cast: Cast, sink: Sink, support: int
) -> None:
    ticket = _ticket()
    agent_reply(client, cast.alice, ticket, sink, "Before the server's idle timeout")
    before = sink.connections
    time.sleep(1.5)  # the sink hangs up on clients idle for 0.5 s
    mail = agent_reply(client, cast.alice, ticket, sink, "After it")
    assert mail.get_body(("plain",)).get_content().startswith("After it")
    assert sink.connections == before + 1


def test_a_connection_stays_in_use_after_the_server_refuses_a_recipient(
    client: TestClient, cast: Cast, sink: Sink, support: int, database: Database
) -> None:
    ticket = _ticket()
    sink.codes = ["451 4.7.1 greylisted, try again later"]
    client.post(f"/api/v1/tickets/{ticket}/messages", json={"text": "Retry me"},
                headers=cast.alice.headers)  # fmt: skip
    with database.transaction() as session:
        item = session.scalars(
            select(outbox.OutboxItem)
            .where(outbox.OutboxItem.ticket_id == ticket)
            .order_by(outbox.OutboxItem.id.desc())
        ).first()
        assert item is not None
        assert item.status == outbox.OutboxStatus.PENDING  # retried later, as before
        item.next_attempt_at = item.created_at
    assert outbox.deliver(database, item.id, max_attempts=8) == outbox.OutboxStatus.SENT
    assert sink.connections == 1


def test_a_connection_broken_while_sending_is_not_given_back(sink: Sink) -> None:
    pool = SmtpPool()
    with pytest.raises(OSError), pool.connection(sink.url):
        raise ConnectionResetError("connection reset by peer")
    _send(pool, sink)
    assert pool.opened == 2
    pool.close_all()


def test_a_connection_idle_too_long_is_closed_not_probed(
    sink: Sink, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(smtp_out, "MAX_IDLE_SECONDS", 0.0)
    pool = SmtpPool()
    _send(pool, sink)
    _send(pool, sink)
    assert (pool.opened, sink.connections, len(sink.messages)) == (2, 2, 2)
    pool.close_all()


def test_a_busy_connection_starts_a_new_session_after_its_share_of_messages(
    sink: Sink, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(smtp_out, "MAX_MESSAGES", 2)
    pool = SmtpPool()
    for _ in range(5):
        _send(pool, sink)
    assert (pool.opened, sink.connections, len(sink.messages)) == (3, 3, 5)
    pool.close_all()


def test_connections_to_an_earlier_smtp_url_are_closed(sink: Sink) -> None:
    other = Sink()
    try:
        pool = SmtpPool()
        _send(pool, other)
        _send(pool, sink)
        _send(pool, other)
        assert (other.connections, sink.connections) == (2, 1)
        pool.close_all()
    finally:
        other.controller.stop()


def test_starttls_is_required_when_the_url_asks_for_it(sink: Sink) -> None:
    url = sink.url.replace("smtp://", "smtp+starttls://")
    refused = "offers no STARTTLS; refusing to send in plaintext"
    with pytest.raises(DeliveryError, match=refused), SmtpPool().connection(url):
        pass
