"""Listeners run after commit, once, never for rolled-back work, and skip automation's own
events unless they opt in."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session
from tests.conftest import ON_POSTGRES

from minidesk import events, inbox, pipeline
from minidesk.channels.base import InboundMessage, Sender
from minidesk.db import Database
from minidesk.event_kinds import EventKind
from minidesk.events import SYSTEM, Actor, ActorType, Event, registry

# Two catalogued kinds that no built-in listener hears and whose payload is empty.
THING = EventKind.CUSTOMER_WEBHOOK_SECRET_ROTATED
OTHER = EventKind.NOTE_ADDED


@pytest.fixture
def heard() -> Iterator[list[tuple[str, bool]]]:
    seen: list[tuple[str, bool]] = []

    def plain(session: Session, event: Event) -> None:
        seen.append((event.kind, False))

    def opted_in(session: Session, event: Event) -> None:
        seen.append((event.kind, True))

    def broken(session: Session, event: Event) -> None:
        raise RuntimeError("listener bug")

    saved = {kind: list(fns) for kind, fns in registry._listeners.items()}
    events.listen(THING)(plain)
    events.listen(THING, automated=True)(opted_in)
    events.listen(THING)(broken)
    yield seen
    registry._listeners.clear()
    registry._listeners.update(saved)


USER = Actor(ActorType.USER, 1, "alice")
AUTOMATION = Actor(ActorType.AUTOMATION, name="rule 7")


def test_listeners_run_after_commit(database: Database, heard: list[tuple[str, bool]]) -> None:
    with database.transaction() as session:
        events.emit(session, THING, USER)
        assert heard == []  # not yet: the transaction could still roll back
    assert sorted(heard) == [(THING, False), (THING, True)]


def test_rolled_back_events_are_never_dispatched(
    database: Database, heard: list[tuple[str, bool]]
) -> None:
    with pytest.raises(ZeroDivisionError), database.transaction() as session:
        events.emit(session, THING, USER)
        1 / 0  # noqa: B018
    assert heard == []
    with database.sessions() as session:
        assert session.scalars(select(Event).where(Event.kind == THING)).all() == []


def test_automation_events_reach_only_opted_in_listeners(
    database: Database, heard: list[tuple[str, bool]]
) -> None:
    with database.transaction() as session:
        events.emit(session, THING, AUTOMATION)
    assert heard == [(THING, True)]


def test_a_failing_listener_is_recorded_and_does_not_stop_the_others(
    database: Database, heard: list[tuple[str, bool]]
) -> None:
    with database.transaction() as session:
        event = events.emit(session, THING, USER)
    with database.sessions() as session:
        failure = session.scalars(select(Event).where(Event.kind == "listener.failed")).one()
        assert failure.data["event_id"] == event.id
        assert "listener bug" in failure.data["error"]
        assert session.get_one(Event, event.id).dispatched_at is not None
    assert len(heard) == 2


def test_an_event_is_dispatched_once_however_often_it_is_offered(
    database: Database, heard: list[tuple[str, bool]]
) -> None:
    with database.transaction() as session:
        event = events.emit(session, THING, USER)
    with database.transaction() as session:
        assert events.dispatch(session, event.id) is False
    assert len(heard) == 2


def test_system_actor_is_automated() -> None:
    assert SYSTEM.automated
    assert not USER.automated


def _undispatched(database: Database, kinds: list[EventKind]) -> list[int]:
    """Events stored without ``emit()``, so no after-commit job has dispatched them yet."""
    with database.transaction() as session:
        rows = [Event(kind=kind, actor_type="user", actor_name="alice", data={}) for kind in kinds]
        session.add_all(rows)
        session.flush()
        return [row.id for row in rows]


def test_a_batch_is_claimed_at_once_and_runs_in_the_order_given(
    database: Database, heard: list[tuple[str, bool]]
) -> None:
    events.listen(OTHER)(lambda session, event: heard.append((event.kind, False)))
    first, second = _undispatched(database, [OTHER, THING])
    with database.transaction() as session:
        assert events.dispatch_many(session, [second, first, second]) == 2
    assert heard == [(THING, False), (THING, True), (OTHER, False)]
    with database.sessions() as session:
        failure = session.scalars(select(Event).where(Event.kind == "listener.failed")).one()
        assert failure.data["event_id"] == second
        rows = session.scalars(select(Event).where(Event.id.in_([first, second])))
        assert all(row.dispatched_at is not None for row in rows)


def test_a_batch_skips_what_another_worker_already_dispatched(
    database: Database, heard: list[tuple[str, bool]]
) -> None:
    first, second = _undispatched(database, [THING, THING])
    with database.transaction() as session:
        assert events.dispatch(session, first) is True
    heard.clear()
    with database.transaction() as session:
        assert events.dispatch_many(session, [first, second]) == 1
        assert events.dispatch_many(session, []) == 0
    assert len(heard) == 2  # the two listeners of the second event only


def test_a_rolled_back_batch_stays_undispatched(
    database: Database, heard: list[tuple[str, bool]]
) -> None:
    [event_id] = _undispatched(database, [THING])
    with pytest.raises(ZeroDivisionError), database.transaction() as session:
        events.dispatch_many(session, [event_id])
        1 / 0  # noqa: B018
    with database.sessions() as session:
        assert session.get_one(Event, event_id).dispatched_at is None


@pytest.mark.skipif(not ON_POSTGRES, reason="SQLite has one writer: two dispatchers never overlap")
def test_two_workers_never_run_listeners_on_one_ticket_at_once(database: Database) -> None:
    # A recovery sweep queues a backlog in id order, so one ticket's events can straddle two
    # batches that two workers take together; both once read the ticket's SLA state, found
    # none, and both inserted it. The second batch must wait for the first to commit.
    accepted = inbox.accept(
        InboundMessage(
            channel="api",
            external_id=f"race-{time.monotonic_ns()}",
            sender=Sender(email="race@example.com"),
            text="Where is my order?",
        )
    )
    pipeline.process(accepted.inbox_id)  # immediate jobs may have processed it already
    ticket_id = inbox.status_of(accepted.inbox_id).ticket_id
    with database.transaction() as session:
        rows = [Event(kind=THING, ticket_id=ticket_id, actor_type="system") for _ in range(2)]
        session.add_all(rows)  # not emitted: no after-commit job dispatches them
        session.flush()
        first, second = (row.id for row in rows)
    inside, leave = threading.Event(), threading.Event()
    overlapped: list[bool] = []

    def listener(session: Session, event: Event) -> None:
        if event.id == first:
            inside.set()
            leave.wait(10)
        else:
            overlapped.append(not leave.is_set())  # the first batch has not committed

    def dispatch(event_id: int) -> None:
        with database.transaction() as session:
            events.dispatch_many(session, [event_id])

    saved = {kind: list(fns) for kind, fns in registry._listeners.items()}
    events.listen(THING, automated=True)(listener)
    workers = [threading.Thread(target=dispatch, args=(event_id,)) for event_id in (first, second)]
    try:
        workers[0].start()
        assert inside.wait(10)
        workers[1].start()
        # Until the second batch either runs its listener (the race) or waits for a lock.
        deadline = time.monotonic() + 10
        while not overlapped and not _waiting_for_a_lock(database):
            assert time.monotonic() < deadline
            time.sleep(0.005)
    finally:
        leave.set()
        for worker in workers:
            worker.join(10)
        registry._listeners.clear()
        registry._listeners.update(saved)
    assert overlapped == [False]


def _waiting_for_a_lock(database: Database) -> bool:
    with database.sessions() as session:
        waiting = session.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
        )
    return bool(waiting)
