"""IMAP polling against a real Dovecot: new mail becomes tickets and is marked seen or moved
(never deleted), polls resume after the last UID, a recreated folder (new UIDVALIDITY) is read
again without duplicates, plaintext servers and wrong passwords are refused and reported."""

from __future__ import annotations

import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from imapclient import SEEN
from tests.conftest import Cast
from tests.email.dovecot import HOST, PASSWORD, Dovecot
from tests.email.mailflow import customer_mail

from minidesk.channels.email import poller, watcher
from minidesk.db import Database


def _mailbox(client: TestClient, cast: Cast, support: int, server: Dovecot, user: str,
             **values: Any) -> dict[str, Any]:  # fmt: skip
    body = {"imap_host": HOST, "imap_port": server.tls_port, "imap_security": "tls",
            "imap_username": user, "imap_password": PASSWORD, "imap_ca_file": str(server.cert),
            **values}  # fmt: skip
    response = client.patch(f"/api/v1/email-channels/{support}", json=body,
                            headers=cast.olivia.headers)  # fmt: skip
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def _channel(client: TestClient, cast: Cast, support: int) -> dict[str, Any]:
    listed = client.get("/api/v1/email-channels", headers=cast.olivia.headers).json()
    found: dict[str, Any] = next(row for row in listed if row["id"] == support)
    return found


def _subjects(client: TestClient, cast: Cast) -> list[str]:
    items = client.get("/api/v1/tickets", headers=cast.olivia.headers).json()["items"]
    return sorted(item["subject"] for item in items)


def _mail(n: int, **headers: str) -> bytes:
    return customer_mail(f"Customer {n} <c{n}@example.com>", f"Order {1000 + n}",
                         f"Where is my order #{1000 + n}?", **headers)  # fmt: skip


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_new_mail_becomes_tickets_marked_seen_and_polls_resume_after_the_last_uid(
    client: TestClient, cast: Cast, support: int, dovecot: Dovecot, security: str
) -> None:
    user = dovecot.add_user()
    port = dovecot.tls_port if security == "tls" else dovecot.port
    _mailbox(client, cast, support, dovecot, user, imap_security=security, imap_port=port)
    dovecot.deliver(user, _mail(1), _mail(2))

    first = poller.poll_mailbox(support)
    assert (first.imported, first.error) == (2, None)
    assert _subjects(client, cast) == ["Order 1001", "Order 1002"]
    with dovecot.client(user) as mailbox:
        mailbox.select_folder("INBOX", readonly=True)
        flags = mailbox.get_flags(mailbox.search("ALL"))
        assert len(flags) == 2, "imported mail stays in the mailbox"
        assert all(SEEN in f for f in flags.values())

    assert poller.poll_mailbox(support).imported == 0
    dovecot.deliver(user, _mail(3))
    assert poller.poll_mailbox(support).imported == 1
    assert _subjects(client, cast) == ["Order 1001", "Order 1002", "Order 1003"]
    channel = _channel(client, cast, support)
    assert (channel["imap_last_uid"], channel["imap_last_error"]) == (3, None)


def test_imported_mail_can_be_moved_to_a_folder_instead(
    client: TestClient, cast: Cast, support: int, dovecot: Dovecot
) -> None:
    user = dovecot.add_user()
    _mailbox(client, cast, support, dovecot, user, imap_processed_action="move",
             imap_move_to="Imported")  # fmt: skip
    dovecot.deliver(user, _mail(1), _mail(2))
    assert poller.poll_mailbox(support).imported == 2
    with dovecot.client(user) as mailbox:
        assert mailbox.select_folder("INBOX")[b"EXISTS"] == 0
        assert mailbox.select_folder("Imported")[b"EXISTS"] == 2
    assert _subjects(client, cast) == ["Order 1001", "Order 1002"]


def test_a_recreated_folder_is_read_again_without_duplicates(
    client: TestClient, cast: Cast, support: int, dovecot: Dovecot
) -> None:
    user = dovecot.add_user()
    _mailbox(client, cast, support, dovecot, user, imap_folder="Support")
    first, second = _mail(1, message_id="<one@example.com>"), _mail(2)
    dovecot.deliver(user, first, second, folder="Support")
    assert poller.poll_mailbox(support).imported == 2
    before = _channel(client, cast, support)
    with dovecot.client(user) as mailbox:  # restored from a backup: new UIDVALIDITY
        mailbox.delete_folder("Support")
    dovecot.deliver(user, first, _mail(3), folder="Support")

    assert poller.poll_mailbox(support).imported == 1
    assert _subjects(client, cast) == ["Order 1001", "Order 1002", "Order 1003"]
    after = _channel(client, cast, support)
    assert after["imap_last_uid"] == 2 and before["imap_last_uid"] == 2
    assert after["imap_last_error"] is None


def test_a_server_without_starttls_is_refused_before_any_login(
    client: TestClient, cast: Cast, support: int, plaintext_dovecot: Dovecot
) -> None:
    user = plaintext_dovecot.add_user()
    plaintext_dovecot.deliver(user, _mail(1))
    logins = plaintext_dovecot.logins()
    _mailbox(client, cast, support, plaintext_dovecot, user, imap_security="starttls",
             imap_port=plaintext_dovecot.port)  # fmt: skip
    result = poller.poll_mailbox(support)
    assert result.imported == 0
    assert result.error and "offers no STARTTLS; refusing to log in in plaintext" in result.error
    assert _channel(client, cast, support)["imap_last_error"] == result.error
    _mailbox(client, cast, support, plaintext_dovecot, user, imap_security="tls",
             imap_port=plaintext_dovecot.port)  # fmt: skip
    implicit = poller.poll_mailbox(support)
    assert implicit.error and implicit.error.startswith("cannot connect securely")
    assert plaintext_dovecot.logins() == logins, "the password never went out in plaintext"
    assert _subjects(client, cast) == []


def test_a_wrong_password_is_reported_on_the_channel_until_it_is_fixed(
    client: TestClient, cast: Cast, support: int, dovecot: Dovecot
) -> None:
    user = dovecot.add_user()
    _mailbox(client, cast, support, dovecot, user, imap_password="not-the-password")
    dovecot.deliver(user, _mail(1))
    assert poller.poll_mailbox(support).imported == 0
    error = _channel(client, cast, support)["imap_last_error"]
    assert error.startswith(f"{HOST}:{dovecot.tls_port} refused the login for {user}")
    assert "not-the-password" not in error
    _mailbox(client, cast, support, dovecot, user)
    assert poller.poll_mailbox(support).imported == 1
    assert _channel(client, cast, support)["imap_last_error"] is None


def test_a_mailbox_leased_by_another_worker_is_left_alone(
    client: TestClient, cast: Cast, support: int, dovecot: Dovecot, database: Database
) -> None:
    user = dovecot.add_user()
    _mailbox(client, cast, support, dovecot, user)
    assert poller.claim(database, support) is not None
    assert poller.poll_mailbox(support).busy
    assert poller.claim(database, support) is None


def test_the_watcher_imports_mail_pushed_by_idle(
    client: TestClient, cast: Cast, support: int, dovecot: Dovecot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setattr(poller, "IDLE_CHUNK_SECONDS", 0.5)
    user = dovecot.add_user()
    _mailbox(client, cast, support, dovecot, user)
    dovecot.deliver(user, _mail(1))
    # A poll interval far longer than the test: only IDLE can bring the second mail in time.
    running = watcher.Watcher(poll_seconds=600, tick_seconds=0.1).start()
    try:
        _wait_for(lambda: len(_subjects(client, cast)) == 1)
        dovecot.deliver(user, _mail(2))
        _wait_for(lambda: len(_subjects(client, cast)) == 2)
    finally:
        running.stop()
    assert _subjects(client, cast) == ["Order 1001", "Order 1002"]


def _wait_for(condition: Any, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)
