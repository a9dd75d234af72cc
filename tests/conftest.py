"""Shared fixtures: a migrated database (SQLite file or PostgreSQL), immediate jobs, an app,
and a fixed cast — olivia (admin), maya (manager), leo (lead, Support), alice (agent,
Support), bob (agent, Billing) — so tests read like stories.

``MINIDESK_TEST_DATABASE_URL`` picks the database: unset means a SQLite file per test;
``postgresql://...`` runs the same tests on PostgreSQL (the rows each test wrote are deleted
before the next).
"""

from __future__ import annotations

import copy
import gc
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.route_state import share_route_state
from tests.snapshots import (
    SCHEMA_SUFFIX,
    Snapshot,
    copy_file,
    empty_written_tables,
    restore,
    scratch_file,
    take,
)

from minidesk import db, inbox, jobs, migrate, settings
from minidesk.channels.base import InboundMessage
from minidesk.commerce.models import StoreRefund
from minidesk.commerce.sample import seed_store
from minidesk.db import Database, utcnow
from minidesk.desk import users
from minidesk.desk.models import Role, User
from minidesk.events import SYSTEM, set_strict, violations

TEST_DB_URL = os.environ.get("MINIDESK_TEST_DATABASE_URL", "")
ON_POSTGRES = TEST_DB_URL.startswith("postgresql")
SHARED = Path(__file__).resolve().parents[2] / "shared"


# Fixtures through which a test reaches the database under test.
DATABASE_FIXTURES = frozenset({"database_url", "migrated_template"})
# The real browser of tests/web/ui (Chromium driven by Playwright).
BROWSER_FIXTURE = "browser"


# The suite's longest single tests (minutes of one core each on a loaded 2-core machine): run
# first, so that no xdist process starts one of them while the other has nothing left to do.
LONGEST_FIRST = (
    "tests/web/ui/test_axe_every_page.py::test_every_page_passes_axe",
    "tests/test_api_fuzz.py::",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: not item.nodeid.startswith(LONGEST_FIRST))  # stable
    _keep_database_tests(config, items)


def _keep_database_tests(config: pytest.Config, items: list[pytest.Item]) -> None:
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
    # Commits need not wait for the server's disk: a test never survives a server crash, and
    # what a commit made is visible to every other session at once either way.
    url = f"{base}{separator}options=-csearch_path%3D{schema}%20-csynchronous_commit%3Doff"
    migrate.upgrade(url)
    yield url
    with admin.begin() as connection:
        snapshots = (
            connection.execute(
                sa.text(
                    "SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE :p"
                ),
                {"p": f"{schema}{SCHEMA_SUFFIX}%"},
            )
            .scalars()
            .all()
        )
        for name in [schema, *snapshots]:
            connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
    admin.dispose()


T = TypeVar("T")


def _configure(database_url: str, state: Snapshot | None) -> tuple[settings.Settings, Database]:
    """Point the process at ``database_url`` (settings, database, immediate jobs); on
    PostgreSQL also empty it and put ``state`` back (SQLite's file was copied from it)."""
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
        empty_written_tables(database)
        if state is not None:
            restore(state, database)
    jobs.configure(current, immediate=True)
    return current, database


def build_snapshot(
    template: str, directory: Path, base: Snapshot | None, build: Callable[[Database], T]
) -> tuple[Snapshot, T]:
    """Run ``build`` once on a database that starts from ``base`` (None: just migrated) and
    snapshot the result, so that tests start from it instead of building it each."""
    if ON_POSTGRES:
        url = template
    else:
        scratch = scratch_file(directory)
        shutil.copy(base.source if base else template, scratch)
        url = f"sqlite:///{scratch}"
    _, database = _configure(url, base)
    try:
        result = build(database)
        return take(database, directory), result
    finally:
        database.dispose()


@pytest.fixture
def starting_state(request: pytest.FixtureRequest) -> Snapshot | None:
    """What the test's database holds before the test, beyond the migrated schema: the cast,
    if the test wants it. A module whose every test builds the same world overrides this with
    a snapshot of that world (tests/desk/test_visibility.py)."""
    if "cast" in request.fixturenames:
        snapshot: Snapshot = request.getfixturevalue("cast_snapshot")[0]
        return snapshot
    return None


@pytest.fixture
def database_url(migrated_template: str, starting_state: Snapshot | None, tmp_path: Path) -> str:
    if ON_POSTGRES:
        return migrated_template
    target = tmp_path / "minidesk.db"
    if starting_state is None:
        shutil.copy(migrated_template, target)
    else:
        copy_file(starting_state, target)
    return f"sqlite:///{target}"


@pytest.fixture
def config(database_url: str, starting_state: Snapshot | None) -> Iterator[settings.Settings]:
    current, database = _configure(database_url, starting_state)
    yield current
    # PostgreSQL: the next test has the same URL, so it gets the same engine back; its pooled
    # connections save it a new server process each, whose catalogue caches would start cold
    # (some 50 ms of its set-up alone). A connection still checked out (a test's thread that
    # outlived it) is no connection to share: then start afresh.
    if not ON_POSTGRES or database.engine.pool.checkedout():  # type: ignore[attr-defined]
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


def make_cast(database: Database) -> Cast:
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


@pytest.fixture(scope="session")
def cast_snapshot(
    migrated_template: str, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Snapshot, Cast]:
    """The cast, made once per test process (some 30 ms of CPU, and round trips on
    PostgreSQL); each test that wants it starts from this snapshot."""
    directory = tmp_path_factory.mktemp("cast")
    return build_snapshot(migrated_template, directory, None, make_cast)


@pytest.fixture
def cast(database: Database, cast_snapshot: tuple[Snapshot, Cast]) -> Cast:
    """The cast, already in the database (its ``starting_state`` holds it)."""
    people = copy.deepcopy(cast_snapshot[1])  # a test may change its own copy
    with database.sessions() as session:
        olivia = session.get(User, people.olivia.id)
        assert olivia is not None and olivia.email == people.olivia.email, (
            "the test's starting_state does not hold the cast"
        )
    return people


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
    # A socket's last presence write may still wait on the thread of its own that outlives the
    # socket by design: it must land in this test's database, not in the next test's (whose
    # set-up would keep a row it had not seen yet, and hand its id out again).
    from minidesk.realtime import connection

    connection._PRESENCE_WRITER.submit(lambda: None).result()


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
def shared_route_state() -> None:
    """Every app of a test process reuses the route state the first one built (about 0.5 s of
    CPU per app otherwise: ``tests/route_state.py``)."""
    share_route_state()


def pytest_unconfigure(config: pytest.Config) -> None:
    """Spare the test process the collector's passes at exit over what is still alive (the
    session's snapshots, models, the first app, which the app's own gc.freeze() pinned):
    frozen, it is left for the operating system to reclaim. Every later app is garbage once
    its client closes (tests/web/test_app_released.py)."""
    gc.freeze()


@pytest.fixture(autouse=True, scope="session")
def strict_events() -> Iterator[None]:
    """Every event the suite emits has its payload checked against the catalogue
    (``minidesk.event_kinds``), so a schema that drifts from its emit site fails a test."""
    set_strict(True)
    yield
    set_strict(False)
    # A listener that caught a PayloadError only recorded it: fail the run here instead.
    assert not violations, "\n".join(sorted(set(violations)))
