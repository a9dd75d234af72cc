"""The rules are cached per process, yet a rule created, edited, disabled or deleted (here or
in another process) takes effect on the very next event; a batch reads the rules once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy import event as sa_event
from sqlalchemy import select
from tests.conftest import Cast, inbound

from minidesk import events
from minidesk.automation.models import Rule
from minidesk.db import Database, utcnow
from minidesk.events import Event

TAG_ALL: dict[str, Any] = {
    "name": "Tag every message",
    "event": "message.received",
    "actions": [{"type": "add_tags", "tags": ["seen"]}],
}


def fired(database: Database, number: int) -> list[str]:
    with database.sessions() as session:
        rows = session.scalars(
            select(Event)
            .where(Event.ticket_id == number, Event.kind == "rule.fired")
            .order_by(Event.id)
        )
        return [e.data["rule"] for e in rows]


def post(client: TestClient, cast: Cast, text: str, key: str) -> int:
    return int(inbound(client, cast.alice, text, key, thread=key)["ticket_number"])


def test_a_new_rule_fires_on_the_next_message(
    client: TestClient, cast: Cast, database: Database
) -> None:
    before = post(client, cast, "Hello", "m-1")  # the cache now holds "no rules"
    created = client.post("/api/v1/rules", json=TAG_ALL, headers=cast.maya.headers)
    assert created.status_code == 201, created.text
    after = post(client, cast, "Hello again", "m-2")
    assert fired(database, before) == []
    assert fired(database, after) == ["Tag every message"]


def test_a_disabled_or_deleted_rule_stops_on_the_next_message(
    client: TestClient, cast: Cast, database: Database
) -> None:
    rule_id = client.post("/api/v1/rules", json=TAG_ALL, headers=cast.maya.headers).json()["id"]
    first = post(client, cast, "Hello", "m-1")
    patched = client.patch(
        f"/api/v1/rules/{rule_id}", json={"enabled": False}, headers=cast.maya.headers
    )
    assert patched.status_code == 200, patched.text
    second = post(client, cast, "Hello", "m-2")
    client.patch(f"/api/v1/rules/{rule_id}", json={"enabled": True}, headers=cast.maya.headers)
    third = post(client, cast, "Hello", "m-3")
    deleted = client.delete(f"/api/v1/rules/{rule_id}", headers=cast.maya.headers)
    assert deleted.status_code == 204, deleted.text
    fourth = post(client, cast, "Hello", "m-4")
    assert [fired(database, n) for n in (first, second, third, fourth)] == [
        ["Tag every message"],
        [],
        ["Tag every message"],
        [],
    ]


def test_an_edit_made_by_another_process_is_seen(
    client: TestClient, cast: Cast, database: Database
) -> None:
    """Another process (the web server while this is a worker) changes the row: this process
    never ran the change's code, only the row tells it."""
    rule_id = client.post("/api/v1/rules", json=TAG_ALL, headers=cast.maya.headers).json()["id"]
    post(client, cast, "Hello", "m-1")
    other = sa.create_engine(database.engine.url)
    with other.begin() as connection:
        connection.execute(
            sa.update(Rule.__table__)
            .where(Rule.__table__.c.id == rule_id)
            .values(name="Renamed elsewhere", updated_at=utcnow() - dt.timedelta(days=1))
        )
    other.dispose()
    # An older updated_at than the cached one (the other machine's clock is behind) still
    # counts as a change.
    assert fired(database, post(client, cast, "Hello", "m-2")) == ["Renamed elsewhere"]


@pytest.fixture
def rule_queries(database: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "automation_rules" in statement:
            seen.append(statement)

    sa_event.listen(database.engine, "before_cursor_execute", record)
    yield seen
    sa_event.remove(database.engine, "before_cursor_execute", record)


def test_a_batch_reads_the_rules_once(
    client: TestClient, cast: Cast, database: Database, rule_queries: list[str]
) -> None:
    number = post(client, cast, "Hello", "m-1")
    with database.transaction() as session:
        # Added directly rather than emitted, so no after-commit job dispatches them first.
        batch = [
            Event(kind=kind, ticket_id=number, actor_type="user", actor_name="alice", data={})
            for kind in ["ticket.noted", "ticket.tagged", "ticket.noted", "message.received"]
        ]
        session.add_all(batch)
        session.flush()
        ids = [e.id for e in batch]
    rule_queries.clear()
    with database.transaction() as session:
        assert events.dispatch_many(session, ids) == 4
    assert len(rule_queries) == 1  # the fingerprint; nothing changed, so nothing reloads
