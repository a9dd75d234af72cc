"""Listeners run after commit, once, never for rolled-back work, and skip automation's own
events unless they opt in."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk import events
from minidesk.db import Database
from minidesk.events import SYSTEM, Actor, ActorType, Event


@pytest.fixture
def heard() -> Iterator[list[tuple[str, bool]]]:
    seen: list[tuple[str, bool]] = []

    def plain(session: Session, event: Event) -> None:
        seen.append((event.kind, False))

    def opted_in(session: Session, event: Event) -> None:
        seen.append((event.kind, True))

    def broken(session: Session, event: Event) -> None:
        raise RuntimeError("listener bug")

    saved = {kind: list(fns) for kind, fns in events._listeners.items()}
    events.listen("test.thing")(plain)
    events.listen("test.thing", automated=True)(opted_in)
    events.listen("test.thing")(broken)
    yield seen
    events._listeners.clear()
    events._listeners.update(saved)


USER = Actor(ActorType.USER, 1, "alice")
AUTOMATION = Actor(ActorType.AUTOMATION, name="rule 7")


def test_listeners_run_after_commit(database: Database, heard: list[tuple[str, bool]]) -> None:
    with database.transaction() as session:
        events.emit(session, "test.thing", USER)
        assert heard == []  # not yet: the transaction could still roll back
    assert sorted(heard) == [("test.thing", False), ("test.thing", True)]


def test_rolled_back_events_are_never_dispatched(
    database: Database, heard: list[tuple[str, bool]]
) -> None:
    with pytest.raises(ZeroDivisionError), database.transaction() as session:
        events.emit(session, "test.thing", USER)
        1 / 0  # noqa: B018
    assert heard == []
    with database.sessions() as session:
        assert session.scalars(select(Event).where(Event.kind == "test.thing")).all() == []


def test_automation_events_reach_only_opted_in_listeners(
    database: Database, heard: list[tuple[str, bool]]
) -> None:
    with database.transaction() as session:
        events.emit(session, "test.thing", AUTOMATION)
    assert heard == [("test.thing", True)]


def test_a_failing_listener_is_recorded_and_does_not_stop_the_others(
    database: Database, heard: list[tuple[str, bool]]
) -> None:
    with database.transaction() as session:
        event = events.emit(session, "test.thing", USER)
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
        event = events.emit(session, "test.thing", USER)
    with database.transaction() as session:
        assert events.dispatch(session, event.id) is False
    assert len(heard) == 2


def test_system_actor_is_automated() -> None:
    assert SYSTEM.automated
    assert not USER.automated
