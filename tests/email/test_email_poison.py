"""A poison mail (thousands of nested multiparts, which overflow the stdlib parser's
recursion) is quarantined and the mailbox moves on: the SMTP listener answers 250 instead of
451 forever, the IMAP poller advances past its UID, and the good mail after it is imported."""

from __future__ import annotations

import re
import smtplib

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from tests.conftest import Cast
from tests.email.conftest import SUPPORT
from tests.email.dovecot import HOST, PASSWORD, Dovecot
from tests.email.mailflow import customer_mail

from minidesk import inbox
from minidesk.channels.email import poller, receive
from minidesk.channels.email.receive import Outcome, receive_raw
from minidesk.db import Database
from minidesk.desk.models import Ticket


def nested_multiparts(depth: int = 1000, message_id: str = "<poison@example.com>") -> bytes:
    head = (
        "From: Mallory <mallory@example.com>\r\n"
        f"To: {SUPPORT}\r\nSubject: nested\r\nMessage-ID: {message_id}\r\nMIME-Version: 1.0\r\n"
    ).encode()
    opening = b"".join(
        b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i)
        for i in range(depth)
    )
    closing = b"".join(b"\r\n--b%d--\r\n" % i for i in reversed(range(depth)))
    return head + opening + b"Content-Type: text/plain\r\n\r\nhello\r\n" + closing


def _good() -> bytes:
    return customer_mail("Emma <emma@example.com>", "Order 1001", "Where is my order #1001?")


def _states(database: Database) -> tuple[list[str], list[tuple[str, str]]]:
    with database.sessions() as session:
        subjects = sorted(session.scalars(select(Ticket.subject)))
        rows = session.scalars(select(inbox.InboxItem).order_by(inbox.InboxItem.id)).all()
        return subjects, [(row.external_id, row.status) for row in rows]


def _send(port: int, raw: bytes) -> tuple[int, bytes]:
    with smtplib.SMTP("127.0.0.1", port) as client:
        client.ehlo()
        client.mail("mallory@example.com")
        client.rcpt(SUPPORT)
        return client.data(re.sub(rb"\r?\n", b"\r\n", raw))


def test_a_poison_mail_is_quarantined_and_the_next_mail_still_arrives_over_smtp(
    listener: int, database: Database
) -> None:
    code, reply = _send(listener, nested_multiparts())
    assert code == 250, reply
    assert _send(listener, _good())[0] == 250
    assert _send(listener, nested_multiparts())[0] == 250, "a re-sent poison mail is no retry loop"

    subjects, rows = _states(database)
    assert subjects == ["Order 1001"]
    assert rows[0] == ("poison@example.com", "quarantined")
    assert len(rows) == 2


def test_a_poison_mail_does_not_stop_the_imap_poller(
    client: TestClient, cast: Cast, support: int, dovecot: Dovecot, database: Database
) -> None:
    user = dovecot.add_user()
    body = {"imap_host": HOST, "imap_port": dovecot.tls_port, "imap_security": "tls",
            "imap_username": user, "imap_password": PASSWORD,
            "imap_ca_file": str(dovecot.cert)}  # fmt: skip
    assert client.patch(f"/api/v1/email-channels/{support}", json=body,
                        headers=cast.olivia.headers).status_code == 200  # fmt: skip
    dovecot.deliver(user, nested_multiparts(), _good())

    result = poller.poll_mailbox(support)
    assert (result.imported, result.error) == (2, None)
    subjects, rows = _states(database)
    assert subjects == ["Order 1001"]
    assert rows[0] == ("poison@example.com", "quarantined")

    again = poller.poll_mailbox(support)
    assert again.imported == 0, "the poison mail is not fetched again"
    [channel] = client.get("/api/v1/email-channels", headers=cast.olivia.headers).json()
    assert channel["imap_last_uid"] == 2


def test_the_admin_inbox_says_why_a_poison_mail_was_quarantined(
    listener: int, client: TestClient, cast: Cast
) -> None:
    _send(listener, nested_multiparts())
    listed = client.get("/api/v1/admin/inbox", headers=cast.olivia.headers).json()["items"]
    assert [row["status"] for row in listed] == ["quarantined"]
    assert "nested" in listed[0]["error"]


def test_nul_bytes_and_overlong_part_headers_do_not_stop_a_mail_becoming_a_ticket(
    support: int, database: Database
) -> None:
    # PostgreSQL refuses NUL in text and values over a column's length: each of these made
    # the inbox row fail on every retry there, while SQLite took it.
    html = "<p>See the photo\x00 attached</p>"
    boundary = "b"
    raw = (
        "From: Emma <emma@example.com>\r\nTo: support@shop.example\r\nSubject: Photo\r\n"
        f'Message-ID: <nul@example.com>\r\nContent-Type: multipart/mixed; boundary="{boundary}"'
        f"\r\n\r\n--{boundary}\r\nContent-Type: text/html\r\n\r\n{html}\r\n"
        f"--{boundary}\r\nContent-Type: image/{'x' * 400}\r\nContent-ID: <{'c' * 400}>\r\n"
        f'Content-Disposition: attachment; filename="a\x00b.png"\r\n\r\ndata\r\n--{boundary}--\r\n'
    ).encode()
    received = receive_raw(raw, source="test")
    assert received.outcome == Outcome.ACCEPTED
    with database.sessions() as session:
        row = session.get_one(inbox.InboxItem, received.inbox_id)
        assert (row.status, row.error) == (inbox.InboxStatus.DONE, None)
        assert session.scalars(select(Ticket.subject)).all() == ["Photo"]


def test_a_mail_our_own_code_chokes_on_is_quarantined_and_a_storage_fault_is_retried(
    listener: int, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("a bug no test foresaw")

    # Whatever fails while reading a mail: kept aside, and the sender is not asked again.
    monkeypatch.setattr(receive, "build", broken)
    assert _send(listener, _good())[0] == 250
    with database.sessions() as session:
        [row] = session.scalars(select(inbox.InboxItem)).all()
        assert (row.status, row.error) == ("quarantined", "could not be read: ValueError")
        assert row.payload["meta"]["email"]["raw"], "the original is stored"

    # The database being unreachable is the one fault worth the sender's retry.
    def unreachable(*args: object, **kwargs: object) -> None:
        raise OperationalError("INSERT", {}, Exception("connection refused"))

    monkeypatch.setattr(receive.inbox, "accept", unreachable)
    assert _send(listener, customer_mail("Bo <bo@example.com>", "Hi", "Hello"))[0] == 451
