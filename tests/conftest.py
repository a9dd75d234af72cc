"""Shared fixtures: a migrated database (SQLite file or PostgreSQL), immediate jobs, an app,
and a fixed cast — olivia (admin), maya (manager), leo (lead, Support), alice (agent,
Support), bob (agent, Billing) — so tests read like stories.

``MINIDESK_TEST_DATABASE_URL`` picks the database: unset means a SQLite file per test;
``postgresql://...`` runs the same tests on PostgreSQL (the rows each test wrote are deleted
before the next).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient

from minidesk import db, inbox, jobs, migrate, settings
from minidesk.channels.base import InboundMessage
from minidesk.commerce.models import StoreRefund
from minidesk.commerce.sample import seed_store
from minidesk.db import Database, utcnow
from minidesk.desk import users
from minidesk.desk.models import Role
from minidesk.events import SYSTEM, set_strict, violations

TEST_DB_URL = os.environ.get("MINIDESK_TEST_DATABASE_URL", "")
ON_POSTGRES = TEST_DB_URL.startswith("postgresql")
SHARED = Path(__file__).resolve().parents[2] / "shared"


# Fixtures through which a test reaches the database under test.
DATABASE_FIXTURES = frozenset({"database_url", "migrated_template"})
# The real browser of tests/web/ui (Chromium driven by Playwright).
BROWSER_FIXTURE = "browser"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On the PostgreSQL pass, run only the tests that reach a database (through its fixtures,
    or marked ``database`` because they open one of their own): the others run the same code
    on the same input as on the SQLite pass, and would only double the suite's time.

    Browser tests stay on the SQLite pass unless marked ``database``: what they add to the API
    tests beneath them is the page and its script, the same on either database, and a browser
    is the dearest fixture there is. On PostgreSQL the routes behind every page still run
    (``tests/desk/test_visibility.py`` calls each one), and so do realtime notices through
    NOTIFY (``tests/realtime``)."""
    if not ON_POSTGRES:
        return
    keep, drop = [], []
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        marked = item.get_closest_marker("database") is not None
        reaches = bool(names & DATABASE_FIXTURES) and BROWSER_FIXTURE not in names
        (keep if reaches or marked else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Migrate once per session: a SQLite template file to copy, or a PostgreSQL schema of
    this run's own (so parallel runs against one server never touch each other's tables)."""
    if not ON_POSTGRES:
        path = tmp_path_factory.mktemp("template") / "template.db"
        migrate.upgrade(f"sqlite:///{path}")
        yield str(path)
        return
    base = settings.load_settings(database_url=TEST_DB_URL, demo=True).database_url
    schema = f"test_run_{os.getpid()}"
    admin = sa.create_engine(base)
    with admin.begin() as connection:
        connection.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in base else "?"
    url = f"{base}{separator}options=-csearch_path%3D{schema}"
    migrate.upgrade(url)
    yield url
    with admin.begin() as connection:
        connection.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    admin.dispose()


def _settle_stream_presence() -> None:
    """A socket's last presence write runs on a thread of its own and outlives its socket's
    task by design (``realtime.connection._PRESENCE_WRITER``), so it may still be going when
    its test has ended: wait for it, or the row it commits during the clean-up below survives
    the DELETE while the sequences restart, and a later insert collides with its id."""
    from minidesk.realtime import connection

    connection._PRESENCE_WRITER.submit(lambda: None).result(timeout=60)


def _empty_written_tables(database: Database) -> None:
    """Delete the rows the last test wrote and restart the sequences it used, as a
    ``TRUNCATE ... RESTART IDENTITY`` of every table would, at a fraction of the cost: a
    TRUNCATE makes new files for each of the ~90 tables and their indexes (seconds on a busy
    server), while a test writes to a handful, and deleting a few rows from those is quick."""
    from minidesk.channels import service as channel_service
    from minidesk.models import Base

    # Children before parents, so that every DELETE satisfies the foreign keys.
    names = [table.name for table in reversed(Base.metadata.sorted_tables)]
    written = " UNION ALL ".join(
        f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM \"{name}\")" for name in names
    )
    with database.engine.begin() as connection:
        dirty = set(connection.exec_driver_sql(written).scalars())
        # A rolled-back insert leaves its table empty but its sequence moved on: restart
        # every sequence that has been used, not only the written tables'.
        used = connection.exec_driver_sql(
            "SELECT sequencename FROM pg_sequences"
            " WHERE schemaname = current_schema() AND last_value IS NOT NULL"
        ).scalars()
        statements = [f'DELETE FROM "{name}"' for name in names if name in dirty]
        statements += [f'ALTER SEQUENCE "{sequence}" RESTART' for sequence in used]
        if statements:
            connection.exec_driver_sql("; ".join(statements))
    # The process remembers the channel rows it made (production never deletes them).
    channel_service.forget(database)


@pytest.fixture
def database_url(migrated_template: str, tmp_path: Path) -> str:
    if ON_POSTGRES:
        return migrated_template
    target = tmp_path / "minidesk.db"
    shutil.copy(migrated_template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def config(database_url: str, tmp_path: Path) -> Iterator[settings.Settings]:
    current = settings.configure(
        settings.load_settings(
            database_url=database_url,
            secret_key="test-secret-key-of-32-bytes-or-more",
            queue_url="memory://",
            workers=0,
            max_inbound_bytes=64 * 1024,
            # Other runs share the PostgreSQL server: their NOTIFYs must not reach our hubs.
            realtime_channel=f"minidesk-test-{os.getpid()}",
        )
    )
    database = db.configure(current.database_url)
    if ON_POSTGRES:
        _settle_stream_presence()
        _empty_written_tables(database)
    jobs.configure(current, immediate=True)
    yield current
    database.dispose()


@pytest.fixture
def database(config: settings.Settings) -> Database:
    return db.get_db()


@dataclass
class Person:
    id: int
    email: str
    token: str
    role: Role

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class Cast:
    olivia: Person
    maya: Person
    leo: Person
    alice: Person
    bob: Person
    # The shop's app: an integration credential of a service user of its own, the only kind
    # of token whose inbound messages arrive with a verified customer.
    shop: Person
    support_team: int
    billing_team: int


@pytest.fixture
def cast(database: Database) -> Cast:
    people: dict[str, Person] = {}
    with database.transaction() as session:
        support = users.get_or_create_team(session, "Support", SYSTEM)
        billing = users.get_or_create_team(session, "Billing", SYSTEM)
        for name, role, team in [
            ("olivia", Role.ADMIN, None),
            ("maya", Role.MANAGER, None),
            ("leo", Role.LEAD, support),
            ("alice", Role.AGENT, support),
            ("bob", Role.AGENT, billing),
        ]:
            user = users.do_create_user(
                session, f"{name}@shop.example", role, SYSTEM, name=name.title()
            )
            if team is not None:
                users.do_add_to_team(session, user, team, SYSTEM)
            _, secret = users.do_create_token(session, user, SYSTEM, "tests")
            people[name] = Person(user.id, user.email, secret, role)
        app = users.do_create_user(session, "shop-app@shop.example", Role.AGENT, SYSTEM)
        _, secret = users.do_create_token(session, app, SYSTEM, integration="shop-app")
        people["shop"] = Person(app.id, app.email, secret, Role.AGENT)
        support_id, billing_id = support.id, billing.id
    return Cast(**people, support_team=support_id, billing_team=billing_id)


# The OpenAPI document per set of routes, built once per test process: FastAPI builds it
# afresh for each app (about a second of CPU), and every test's app has the same routes.
_openapi_documents: dict[tuple[object, ...], dict[str, Any]] = {}


def share_openapi(app: FastAPI) -> FastAPI:
    """Give ``app`` the document already built for an app with the same routes, if any."""
    routes = (
        (
            type(route).__name__,
            getattr(route, "path", None),
            frozenset(getattr(route, "methods", None) or ()),
            # create_app's own routes are closures: new functions per app, one code object.
            getattr(getattr(route, "endpoint", None), "__code__", None),
        )
        for route in app.routes
    )
    key = (app.title, app.version, app.description, *routes)
    if (document := _openapi_documents.get(key)) is None:
        document = _openapi_documents[key] = app.openapi()
    app.openapi_schema = document
    return app


@pytest.fixture
def client(config: settings.Settings) -> Iterator[TestClient]:
    from minidesk.web.app import create_app

    with TestClient(share_openapi(create_app(config, embedded_workers=0))) as test_client:
        yield test_client


def inbound(
    client: TestClient,
    who: Person,
    text: str,
    external_id: str,
    *,
    email: str | None = "emma@example.com",
    thread: str | None = None,
    **customer: str,
) -> dict[str, object]:
    """Post a customer message through the API channel; returns the 202 body."""
    body: dict[str, object] = {
        "customer": {"email": email, **customer} if email else customer,
        "text": text,
        "external_id": external_id,
    }
    if thread:
        body["thread"] = thread
    response = client.post("/api/v1/inbound/messages", json=body, headers=who.headers)
    assert response.status_code == 202, response.text
    result: dict[str, object] = response.json()
    return result


@pytest.fixture
def store(database: Database) -> Database:
    """The sample shop (customers, orders from 1001, payments, shipments) in the database."""
    with database.transaction() as session:
        seed_store(session, utcnow(), customers=4, orders=12)
    return database


def money_moved(database: Database) -> int:
    """Minor units the store has refunded, all orders together."""
    with database.sessions() as session:
        total = sa.func.coalesce(sa.func.sum(StoreRefund.amount_minor), 0)
        return int(session.scalar(sa.select(total)) or 0)


def ingest(message: InboundMessage) -> tuple[int, int]:
    """Accept a message from any channel (jobs run immediately); its (ticket, message) ids."""
    accepted = inbox.accept(message)
    with db.get_db().sessions() as session:
        row = session.get_one(inbox.InboxItem, accepted.inbox_id)
        assert row.status == inbox.InboxStatus.DONE, row.error
        assert row.ticket_id is not None and row.message_id is not None
        return row.ticket_id, row.message_id


# argon2 at its lowest cost: the default (tens of milliseconds of CPU per hash, by design)
# would make every sign-in the dearest step of its test. What the tests check (which password
# matches, one verify per attempt whatever the account) does not depend on the cost.
TEST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(autouse=True, scope="session")
def cheap_password_hashes() -> Iterator[None]:
    original = users._hasher
    users._hasher = TEST_HASHER
    users._dummy_hash.cache_clear()  # made with the default cost, if made already
    yield
    users._hasher = original
    users._dummy_hash.cache_clear()


@pytest.fixture(autouse=True, scope="session")
def strict_events() -> Iterator[None]:
    """Every event the suite emits has its payload checked against the catalogue
    (``minidesk.event_kinds``), so a schema that drifts from its emit site fails a test."""
    set_strict(True)
    yield
    set_strict(False)
    # A listener that caught a PayloadError only recorded it: fail the run here instead.
    assert not violations, "\n".join(sorted(set(violations)))
