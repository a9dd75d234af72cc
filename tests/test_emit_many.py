"""``emit_many`` records a batch of one kind in one statement and behaves like ``emit`` after
it: ids in order, listeners after commit, the realtime publisher fed, payloads checked."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk import events
from minidesk.db import Database
from minidesk.event_kinds import EventKind
from minidesk.events import SYSTEM, Event, PayloadError, Pending, emission, registry

# A catalogued kind no built-in listener hears, with an empty payload.
THING = EventKind.CUSTOMER_WEBHOOK_SECRET_ROTATED


@pytest.fixture
def heard() -> Iterator[list[int]]:
    seen: list[int] = []

    def listener(session: Session, event: Event) -> None:
        seen.append(event.id)

    saved = {kind: list(fns) for kind, fns in registry._listeners.items()}
    events.listen(THING, automated=True)(listener)
    yield seen
    registry._listeners.clear()
    registry._listeners.update(saved)


@pytest.fixture
def published() -> Iterator[list[tuple[int, str]]]:
    seen: list[tuple[int, str]] = []

    def publish(committed: Sequence[Event]) -> None:
        seen.extend((event.id, event.kind) for event in committed)

    previous = list(emission._publishers)
    events.set_publisher(publish)
    yield seen
    emission._publishers[:] = previous


def test_a_batch_is_stored_in_order_and_dispatched_after_commit(
    database: Database, heard: list[int], published: list[tuple[int, str]]
) -> None:
    with database.transaction() as session:
        first = events.emit(session, THING, SYSTEM)
        ids = events.emit_many(session, THING, SYSTEM, [Pending({}) for _ in range(5)])
        assert heard == [] and published == []  # not before the commit
    assert len(ids) == 5 and ids == sorted(ids) and ids[0] > first.id
    assert [event_id for event_id, _ in published] == [first.id, *ids]
    assert sorted(heard) == [first.id, *ids]
    with database.sessions() as session:
        stored = session.scalars(select(Event).where(Event.id.in_(ids))).all()
        assert {event.actor_type for event in stored} == {"system"}
        assert all(event.automated and event.dispatched_at is not None for event in stored)


def test_a_rolled_back_batch_leaves_nothing(database: Database, heard: list[int]) -> None:
    with pytest.raises(ZeroDivisionError), database.transaction() as session:
        events.emit_many(session, THING, SYSTEM, [Pending({}), Pending({})])
        1 / 0  # noqa: B018
    assert heard == []
    with database.sessions() as session:
        assert session.scalars(select(Event).where(Event.kind == THING)).all() == []


def test_a_payload_off_the_catalogue_is_refused_in_strict_mode(database: Database) -> None:
    refused = pytest.raises(PayloadError, match="unexpected field 'colour'")
    with refused, database.transaction() as session:
        events.emit_many(session, THING, SYSTEM, [Pending({}), Pending({"colour": "red"})])
    events.violations.clear()  # expected here: the suite's strict-mode guard must not see it


def test_an_empty_batch_is_nothing(database: Database) -> None:
    with database.transaction() as session:
        assert events.emit_many(session, THING, SYSTEM, []) == []
