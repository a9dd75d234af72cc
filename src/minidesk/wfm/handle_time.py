"""Average handle time from the agents' own events, when there are enough of them.

minidesk has no timer an agent starts and stops, so handle time is read from activity: each
agent's ticket events in time order, where a gap of at most ``IDLE`` between two of them is
time spent on the later event's ticket (reading, typing the reply, setting fields), and a
longer gap is a pause that counts for nothing. AHT is that busy time over the tickets the
agents answered. It misses the work before an agent's first action after a pause, so it errs
low; below ``MIN_TICKETS`` answered tickets, or under ``MIN_CREDIBLE`` (events written by an
import or a script, not typed by people), it is not trusted and the configured AHT applies.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.desk.models import Ticket
from minidesk.event_kinds import EventKind
from minidesk.events import ActorType, Event
from minidesk.wfm.history import GroupBy, Scope

IDLE = dt.timedelta(minutes=10)
MIN_TICKETS = 30
MIN_CREDIBLE = 30.0  # seconds: nobody reads and answers a contact faster


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

    def mine(team_id: int | None, channel: str) -> Scope | None:
        inside = scope.team_id in (None, team_id) and scope.channel in (None, channel)
        return scope if inside else None

    return _measure(session, start, end, mine).get(scope)


def measured_aht_by(
    session: Session, group: GroupBy, start: dt.datetime, end: dt.datetime
) -> dict[Scope, tuple[float, int]]:
    """``measured_aht`` of every team or channel with enough answered tickets, in one read."""

    def of(team_id: int | None, channel: str) -> Scope | None:
        if group is GroupBy.CHANNEL:
            return Scope(channel=channel)
        return Scope(team_id=team_id) if team_id is not None else None

    return _measure(session, start, end, of)


def _measure(
    session: Session,
    start: dt.datetime,
    end: dt.datetime,
    scope_of: Callable[[int | None, str], Scope | None],
) -> dict[Scope, tuple[float, int]]:
    # Every agent event, whatever the scope: the time before an event belongs to that event's
    # ticket, so a stretch on another team's ticket is never counted as this team's.
    query = (
        select(
            Event.actor_id,
            Event.created_at,
            Event.ticket_id,
            Event.kind,
            Ticket.team_id,
            Ticket.channel,
        )
        .join(Ticket, Ticket.id == Event.ticket_id)
        .where(
            Event.actor_type == ActorType.USER, Event.created_at >= start, Event.created_at < end
        )
        .order_by(Event.actor_id, Event.created_at, Event.id)
    )
    busy: dict[Scope, float] = defaultdict(float)
    answered: dict[Scope, set[int]] = defaultdict(set)
    previous: tuple[int | None, dt.datetime] | None = None
    for actor_id, created_at, ticket_id, kind, team_id, channel in session.execute(query):
        scope = scope_of(team_id, channel)
        if scope is not None and previous is not None and previous[0] == actor_id:
            gap = created_at - previous[1]
            if gap <= IDLE:
                busy[scope] += gap.total_seconds()
        previous = (actor_id, created_at)
        if scope is not None and kind == EventKind.MESSAGE_SENT and ticket_id is not None:
            answered[scope].add(ticket_id)
    return {
        scope: (busy[scope] / len(tickets), len(tickets))
        for scope, tickets in answered.items()
        if len(tickets) >= MIN_TICKETS and busy[scope] / len(tickets) >= MIN_CREDIBLE
    }


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
