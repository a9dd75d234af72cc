"""Transactional listeners share one savepoint per dispatch batch; when one of them fails,
the batch ends exactly as if each had had its own: the others' work kept once, the failure
recorded, and nothing of the rolled-back attempt (rows, events, after-commit hooks) left."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import select
from sqlalchemy.orm import Session, SessionTransaction

from minidesk import events
from minidesk.db import Database, on_commit
from minidesk.event_kinds import EventKind
from minidesk.events import SYSTEM, Event
from minidesk.events import registry as listeners

# Catalogued kinds with an empty payload that no built-in listener hears.
THING = EventKind.CUSTOMER_WEBHOOK_SECRET_ROTATED
ECHO = EventKind.NOTE_ADDED


@pytest.fixture
def registry() -> Iterator[None]:
    saved = {kind: list(found) for kind, found in listeners._listeners.items()}
    listeners._listeners.clear()
    yield
    listeners._listeners.clear()
    listeners._listeners.update(saved)


def _stored(database: Database, count: int) -> list[int]:
    """THING events stored without ``emit()``, so nothing has dispatched them yet."""
    with database.transaction() as session:
        rows = [
            Event(kind=THING, actor_type="user", actor_name="alice", data={}) for _ in range(count)
        ]
        session.add_all(rows)
        session.flush()
        return [row.id for row in rows]


def _savepoints(session: Session) -> list[SessionTransaction]:
    opened: list[SessionTransaction] = []

    def created(_session: Session, transaction: SessionTransaction) -> None:
        if transaction.nested:
            opened.append(transaction)

    sa_event.listen(session, "after_transaction_create", created)
    return opened


def test_transactional_listeners_share_a_savepoint_and_keep_their_order(
    database: Database, registry: None
) -> None:
    calls: list[tuple[str, int]] = []

    def recorder(name: str) -> events.Listener:
        return lambda session, event: calls.append((name, event.id))

    events.listen(THING, transactional=True)(recorder("a"))
    events.listen(THING, transactional=True)(recorder("b"))
    first, second, third = _stored(database, 3)
    with database.transaction() as session:
        opened = _savepoints(session)
        assert events.dispatch_many(session, [first, second, third]) == 3
    assert len(opened) == 1
    assert calls == [(n, e) for e in (first, second, third) for n in ("a", "b")]


def test_a_plain_listener_keeps_its_own_savepoint_between_shared_ones(
    database: Database, registry: None
) -> None:
    calls: list[tuple[str, int]] = []
    events.listen(THING, transactional=True)(lambda s, e: calls.append(("shared", e.id)))
    events.listen(THING)(lambda s, e: calls.append(("plain", e.id)))
    first, second = _stored(database, 2)
    with database.transaction() as session:
        opened = _savepoints(session)
        events.dispatch_many(session, [first, second])
    # shared(1) | plain(1) | shared(2) | plain(2): each run of shared calls is one savepoint.
    assert calls == [("shared", first), ("plain", first), ("shared", second), ("plain", second)]
    assert len(opened) == 4


def test_a_failing_transactional_listener_undoes_only_its_own_work(
    database: Database, registry: None
) -> None:
    hooks_run: list[int] = []
    published: list[tuple[str, int]] = []

    def echo(session: Session, event: Event) -> None:
        # A row, an event and an after-commit hook: all three must exist once per event.
        events.emit(session, ECHO, SYSTEM)
        on_commit(session, lambda: hooks_run.append(event.id))

    def broken(session: Session, event: Event) -> None:
        if event.id == second:
            raise RuntimeError("listener bug")

    def publish(committed: Sequence[Any]) -> None:
        published.extend((item.kind, item.id) for item in committed)

    events.listen(THING, transactional=True)(echo)
    events.listen(THING, transactional=True)(broken)
    first, second = _stored(database, 2)
    events.set_publisher(publish)
    try:
        with database.transaction() as session:
            assert events.dispatch_many(session, [first, second]) == 2
    finally:
        events.set_publisher(None)
    assert hooks_run == [first, second]
    with database.sessions() as session:
        stored = list(session.scalars(select(Event).where(Event.id > second).order_by(Event.id)))
    assert [e.kind for e in stored] == [ECHO, ECHO, EventKind.LISTENER_FAILED]
    assert stored[-1].data["event_id"] == second
    assert stored[-1].data["listener"].endswith("broken")
    # Only what committed is published: the rolled-back attempt's echoes never happened.
    assert published == [(e.kind, e.id) for e in stored]


def test_a_plain_listener_that_fails_leaves_no_hook_and_no_event_behind(
    database: Database, registry: None
) -> None:
    """A listener in a savepoint of its own registers an after-commit hook and emits an event,
    then fails: its savepoint rolls back, so neither may run or be published."""
    hooks_run: list[int] = []
    published: list[str] = []

    def half_done(session: Session, event: Event) -> None:
        events.emit(session, ECHO, SYSTEM)
        on_commit(session, lambda: hooks_run.append(event.id))
        raise RuntimeError("listener bug after its side effects")

    events.listen(THING)(half_done)
    (only,) = _stored(database, 1)
    events.set_publisher(lambda committed: published.extend(str(i.kind) for i in committed))
    try:
        with database.transaction() as session:
            assert events.dispatch_many(session, [only]) == 1
    finally:
        events.set_publisher(None)
    assert hooks_run == []
    assert published == [EventKind.LISTENER_FAILED]


def test_a_batch_mark_made_in_a_rolled_back_savepoint_is_forgotten(
    database: Database, registry: None
) -> None:
    """A listener's once-per-batch note goes with the work it describes: a retry after a
    failure must not skip what the rolled-back attempt only seemed to have done."""
    seen: list[object] = []

    def marker(session: Session, event: Event) -> None:
        events.mark(session, "done", event.id)
        if event.id == second:
            raise RuntimeError("listener bug after its mark")

    events.listen(THING, transactional=True)(marker)
    events.listen(THING, transactional=True)(lambda s, e: seen.append(events.marked(s, "done")))
    first, second = _stored(database, 2)
    with database.transaction() as session:
        events.dispatch_many(session, [first, second])
        assert events.marked(session, "done") is None  # marks live only within the batch
    # The shared attempt saw first's mark; run alone, second's failed mark is undone.
    assert seen == [first, first, first]
