"""Migration 0013 on a database of the old shape: every ticket, message, inbox row, thread key
and outbox row ends up on the instance it came in on (both SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from tests.conftest import ON_POSTGRES, TEST_DB_URL

from minidesk import migrate, settings

pytestmark = pytest.mark.database  # its own schema on the server under test

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


@pytest.fixture
def old_url(tmp_path: Path) -> Iterator[str]:
    if not ON_POSTGRES:
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    base = settings.load_settings(database_url=TEST_DB_URL, demo=True).database_url
    schema = f"test_backfill_{os.getpid()}"
    admin = sa.create_engine(base)
    with admin.begin() as connection:
        connection.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in base else "?"
    yield f"{base}{separator}options=-csearch_path%3D{schema}"
    with admin.begin() as connection:
        connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


def _insert(conn: sa.Connection, table: str, **values: object) -> int:
    values = {k: json.dumps(v) if isinstance(v, dict | list) else v for k, v in values.items()}
    names = ", ".join(values)
    marks = ", ".join(f":{k}" for k in values)
    return int(conn.execute(sa.text(f"INSERT INTO {table} ({names}) VALUES ({marks}) RETURNING id"),
                            values).scalar_one())  # fmt: skip


def _mailbox(conn: sa.Connection, address: str) -> int:
    return _insert(conn, "email_channels", address=address, name="", from_name="", signature="",
                   active=True, imap_security="tls", imap_folder="INBOX",
                   imap_processed_action="seen", imap_last_uid=0, trusted_authserv_ids=[],
                   created_at=NOW)  # fmt: skip


def _conversation(conn: sa.Connection, kind: str, external_id: str, payload: dict[str, object],
                  status: str = "done", thread: str | None = None) -> int:  # fmt: skip
    customer = _insert(conn, "customers", name="", tags=[], created_at=NOW)
    inbox = _insert(conn, "inbox", channel=kind, external_id=external_id, payload=payload,
                    status=status, attempts=0, received_at=NOW)  # fmt: skip
    ticket = _insert(conn, "tickets", subject="", status="open", priority="P3", channel=kind,
                     customer_id=customer, tier=1, custom_fields={}, turns=1, created_at=NOW,
                     updated_at=NOW)  # fmt: skip
    for inbox_id, direction in ((inbox, "inbound"), (None, "outbound")):
        message = _insert(conn, "messages", ticket_id=ticket, direction=direction, channel=kind,
                          text="hi", automated=False, entities={}, meta={}, created_at=NOW,
                          inbox_id=inbox_id)  # fmt: skip
    _insert(conn, "outbox", channel=kind, ticket_id=ticket, message_id=message, payload={},
            status="sent", attempts=1, next_attempt_at=NOW, created_at=NOW)  # fmt: skip
    if thread:
        _insert(conn, "ticket_threads", channel=kind, customer_id=customer, key=thread,
                ticket_id=ticket)  # fmt: skip
    return ticket


def test_an_old_database_keeps_every_ticket_on_its_channel(old_url: str) -> None:
    migrate.upgrade(old_url, "0012_email_trust")
    engine = sa.create_engine(old_url)
    with engine.begin() as conn:
        support, billing = _mailbox(conn, "support@shop.example"), _mailbox(conn, "b@shop.example")
        user = _insert(conn, "users", email="app@shop.example", name="", role="agent",
                       active=True, created_at=NOW)  # fmt: skip
        _insert(conn, "api_tokens", user_id=user, name="", token_hash="x" * 64,
                kind="integration", integration="shop-app", created_at=NOW)  # fmt: skip
        to_billing = _conversation(conn, "email", "<m1@x>",
                                   {"meta": {"email": {"channel_id": billing}}})  # fmt: skip
        # The same Message-ID to the other mailbox: two rows that must stay apart.
        to_support = _conversation(conn, "email", "<m1@x>-s",
                                   {"meta": {"email": {"channel_id": support}}})  # fmt: skip
        by_app = _conversation(conn, "api", "integration:shop-app:1",
                               {"via": {"client": "integration:shop-app"}}, status="pending",
                               thread="integration:shop-app:t1")  # fmt: skip
        by_person = _conversation(conn, "api", "user:5:1", {"via": {"client": "user:5"}},
                                  thread="user:5:t1")  # fmt: skip
    engine.dispose()
    migrate.upgrade(old_url)

    engine = sa.create_engine(old_url)
    with engine.connect() as conn:
        instances = {
            (kind, key): id_
            for id_, kind, key in conn.execute(sa.text("SELECT id, kind, key FROM channels"))
        }
        assert instances[("email", None)] in (support, billing)
        app, personal = instances["api", "integration:shop-app"], instances["api", "personal"]
        expected = {to_billing: billing, to_support: support, by_app: app, by_person: personal}
        tickets = dict(conn.execute(sa.text("SELECT id, channel_id FROM tickets")).all())
        assert tickets == expected
        for table, column in (("messages", "ticket_id"), ("outbox", "ticket_id"),
                              ("ticket_threads", "ticket_id")):  # fmt: skip
            rows = conn.execute(sa.text(f"SELECT {column}, channel_id FROM {table}")).all()
            assert rows and all(expected[ticket] == on for ticket, on in rows), table
        inbox = conn.execute(sa.text(
            "SELECT m.ticket_id, i.channel_id, i.payload, i.status FROM inbox i JOIN messages m "
            "ON m.inbox_id = i.id"
        )).all()  # fmt: skip
        for ticket, on, payload, status in inbox:
            assert expected[ticket] == on
            loaded = json.loads(payload) if isinstance(payload, str) else payload
            # A row still to be processed reads its instance from its payload.
            assert loaded.get("channel_id") == (on if status == "pending" else None)
    engine.dispose()
