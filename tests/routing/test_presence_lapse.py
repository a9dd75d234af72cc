"""A web process that dies never closes its sockets: the presence its stream implied lapses.
The minute sweep (or the agent's next presence change) records the end at the moment it
lapsed, once, so occupancy stops counting online time there instead of at the next event."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from tests.conftest import Cast

from minidesk.db import Database, utcnow
from minidesk.event_kinds import EventKind
from minidesk.events import Event
from minidesk.insights.occupancy import available_seconds
from minidesk.routing import stream
from minidesk.routing.lapse import record_lapses
from minidesk.routing.models import AgentProfile


def _connected_then_died(database: Database, user_id: int, now: dt.datetime) -> dt.datetime:
    """Connected two hours ago; the process died and its presence lapsed 90 minutes ago."""
    stream.connected(user_id)
    lapsed_at = now - dt.timedelta(minutes=90)
    with database.transaction() as session:
        session.execute(
            update(Event)
            .where(Event.kind == EventKind.ROUTING_PRESENCE_CHANGED)
            .values(created_at=now - dt.timedelta(hours=2))
        )
        session.execute(
            update(AgentProfile)
            .where(AgentProfile.user_id == user_id)
            .values(stream_until=lapsed_at)
        )
    return lapsed_at


def _presence_events(database: Database) -> list[tuple[str, str, str | None]]:
    with database.sessions() as session:
        found = session.scalars(
            select(Event).where(Event.kind == EventKind.ROUTING_PRESENCE_CHANGED).order_by(Event.id)
        )
        return [(e.data["before"], e.data["after"], e.data.get("lapsed_at")) for e in found]


def test_the_sweep_ends_a_lapsed_spell_where_it_lapsed_and_occupancy_stops_there(
    database: Database, cast: Cast
) -> None:
    now = utcnow()
    lapsed_at = _connected_then_died(database, cast.alice.id, now)
    window = (now - dt.timedelta(hours=3), now + dt.timedelta(hours=1))
    with database.sessions() as session:
        # Before the sweep the spell runs on to now: the overstatement being fixed.
        assert round(available_seconds(session, *window)[cast.alice.id]) >= 2 * 3600
    assert record_lapses(now) == 1
    assert record_lapses(now) == 0  # recorded once, however often the sweep runs
    assert _presence_events(database) == [
        ("offline", "online", None),
        ("online", "offline", lapsed_at.isoformat()),
    ]
    with database.sessions() as session:
        assert round(available_seconds(session, *window)[cast.alice.id]) == 30 * 60
        assert session.get_one(AgentProfile, cast.alice.id).presence == "offline"


def test_reconnecting_after_a_lapse_records_the_lapse_first(database: Database, cast: Cast) -> None:
    now = utcnow()
    lapsed_at = _connected_then_died(database, cast.alice.id, now)
    stream.connected(cast.alice.id)  # a new tab, before any sweep ran
    assert _presence_events(database) == [
        ("offline", "online", None),
        ("online", "offline", lapsed_at.isoformat()),
        ("offline", "online", None),
    ]
    assert record_lapses(utcnow()) == 0  # the live stream is not lapsed
