"""Average handle time from the agents' own events, when there are enough of them.

minidesk has no timer an agent starts and stops, so handle time is read from activity: each
agent's ticket events in time order, where a gap of at most ``IDLE`` between two of them is
time spent on the later event's ticket (reading, typing the reply, setting fields), and a
longer gap is a pause that counts for nothing. AHT is that busy time over the tickets the
agents answered. It misses the work before an agent's first action after a pause, so it errs
low; below ``MIN_TICKETS`` answered tickets it is not trusted and the configured AHT applies.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.desk.models import Ticket
from minidesk.event_kinds import EventKind
from minidesk.events import ActorType, Event
from minidesk.wfm.history import Scope

IDLE = dt.timedelta(minutes=10)
MIN_TICKETS = 30


class Source(StrEnum):
    MEASURED = "measured"
    SETTING = "setting"
    GIVEN = "given"


@dataclass(frozen=True)
class HandleTime:
    seconds: float
    source: str  # measured, setting or given
    tickets: int  # answered tickets behind a measurement


def measured_aht(
    session: Session, scope: Scope, start: dt.datetime, end: dt.datetime
) -> tuple[float, int] | None:
    """(AHT seconds, tickets answered) over [start, end), or None when too few tickets."""
    query = (
        select(Event.actor_id, Event.created_at, Event.ticket_id, Event.kind)
        .join(Ticket, Ticket.id == Event.ticket_id)
        .where(
            Event.actor_type == ActorType.USER, Event.created_at >= start, Event.created_at < end
        )
        .order_by(Event.actor_id, Event.created_at, Event.id)
    )
    if scope.channel is not None:
        query = query.where(Ticket.channel == scope.channel)
    if scope.team_id is not None:
        query = query.where(Ticket.team_id == scope.team_id)
    busy = 0.0
    answered: set[int] = set()
    previous: tuple[int | None, dt.datetime] | None = None
    for actor_id, created_at, ticket_id, kind in session.execute(query):
        if previous is not None and previous[0] == actor_id:
            gap = created_at - previous[1]
            if gap <= IDLE:
                busy += gap.total_seconds()
        previous = (actor_id, created_at)
        if kind == EventKind.MESSAGE_SENT and ticket_id is not None:
            answered.add(ticket_id)
    if len(answered) < MIN_TICKETS or busy <= 0:
        return None
    return busy / len(answered), len(answered)


def handle_time(
    session: Session,
    scope: Scope,
    start: dt.datetime,
    end: dt.datetime,
    default_seconds: float,
    given: float | None = None,
) -> HandleTime:
    """The planner's AHT if given, else the measured one, else the configured default."""
    if given is not None:
        return HandleTime(given, Source.GIVEN, 0)
    measured = measured_aht(session, scope, start, end)
    if measured is None:
        return HandleTime(default_seconds, Source.SETTING, 0)
    return HandleTime(measured[0], Source.MEASURED, measured[1])
