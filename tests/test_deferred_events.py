"""``record`` inside ``deferred``: the pipeline's events go in as one INSERT when the block
ends, in the order they happened (``emit`` calls in between included), are dispatched after
commit like any other, and vanish with the block's work when it fails."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk import events
from minidesk.db import Database
from minidesk.event_kinds import EventKind
from minidesk.events import SYSTEM, Committed, Event, PayloadError, emission, registry

# Catalogued kinds no built-in listener hears, with small payloads.
THING = EventKind.CUSTOMER_WEBHOOK_SECRET_ROTATED
OTHER = EventKind.WEBHOOK_SECRET_ROTATED


@pytest.fixture
def heard() -> Iterator[list[tuple[int, str]]]:
    seen: list[tuple[int, str]] = []

    def listener(session: Session, event: Event) -> None:
        seen.append((event.id, event.kind))

    saved = {kind: list(fns) for kind, fns in registry._listeners.items()}
    events.listen(THING, automated=True)(listener)
    events.listen(OTHER, automated=True)(listener)
    yield seen
    registry._listeners.clear()
    registry._listeners.update(saved)


@pytest.fixture
def published() -> Iterator[list[tuple[str, Any]]]:
    seen: list[tuple[str, Any]] = []

    def publish(committed: Sequence[Committed]) -> None:
        seen.extend((event.kind, getattr(event, "data", None)) for event in committed)

    previous = list(emission._publishers)
    events.set_publisher(publish)
    yield seen
    emission._publishers[:] = previous


def test_the_realtime_publisher_gets_recorded_payloads(
    database: Database, published: list[tuple[str, Any]]
) -> None:
    # The stream reads a status change's ``before`` from the payload (``realtime.notices``).
    with database.transaction() as session, events.deferred(session):
        events.record(session, OTHER, SYSTEM, webhook_id=7)
    assert published == [(OTHER, {"webhook_id": 7})]


def _stored(session: Session) -> list[tuple[int, str]]:
    rows = session.execute(
        select(Event.id, Event.kind).where(Event.kind.in_([THING, OTHER])).order_by(Event.id)
    )
    return [(event_id, kind) for event_id, kind in rows]


def test_recorded_events_wait_for_the_block_and_keep_their_order(
    database: Database, heard: list[tuple[int, str]]
) -> None:
    with database.transaction() as session:
        with events.deferred(session):
            events.record(session, THING, SYSTEM)
            events.record(session, OTHER, SYSTEM, webhook_id=1)
            session.flush()
            assert _stored(session) == []  # kept, not written yet
            events.emit(session, THING, SYSTEM)  # an emit in between goes after them
            events.record(session, OTHER, SYSTEM, webhook_id=1)
        stored = _stored(session)
        assert [kind for _, kind in stored] == [THING, OTHER, THING, OTHER]
        assert heard == []  # listeners only after the commit
    assert sorted(heard) == stored


def test_a_failed_block_leaves_no_event(database: Database, heard: list[tuple[int, str]]) -> None:
    with database.transaction() as session:
        with pytest.raises(ZeroDivisionError), session.begin_nested(), events.deferred(session):
            events.record(session, THING, SYSTEM)
            1 / 0  # noqa: B018
        with events.deferred(session):
            events.record(session, OTHER, SYSTEM, webhook_id=1)
    with database.sessions() as session:
        assert [kind for _, kind in _stored(session)] == [OTHER]
    assert [kind for _, kind in heard] == [OTHER]


def test_record_outside_a_block_is_emit(database: Database) -> None:
    with database.transaction() as session:
        events.record(session, THING, SYSTEM)
        session.flush()
        assert [kind for _, kind in _stored(session)] == [THING]


def test_record_checks_kind_and_payload_at_once(database: Database) -> None:
    with database.transaction() as session, events.deferred(session):
        with pytest.raises(ValueError, match="not an event kind"):
            events.record(session, "thing.happend", SYSTEM)  # type: ignore[arg-type]
        with pytest.raises(PayloadError, match="unexpected field 'colour'"):
            events.record(session, THING, SYSTEM, colour="red")
    events.violations.clear()  # expected here: the suite's strict-mode guard must not see it
