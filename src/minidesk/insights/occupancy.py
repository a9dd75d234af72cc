"""Occupancy (docs/metrics.md): per agent, handle time ÷ available time in a range of UTC
days. Available time is the time the agent's routing presence was online, read from the
``routing.presence_changed`` events (``routing.profiles.do_set_presence``): an online spell
starts at an event whose ``after`` is online and ends at the agent's next presence event (at
its ``lapsed_at`` when it records a lapsed stream presence: ``routing.lapse``), or at the end
of the range (or now, if sooner)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.db import utcnow
from minidesk.desk.models import TeamMember
from minidesk.event_kinds import EventKind
from minidesk.events import Event
from minidesk.insights.handle_time import handle_seconds
from minidesk.insights.kpis import Dimension, KpiRow
from minidesk.insights.ops_rows import Tally, Values, as_rows, share

METRICS: tuple[str, ...] = ("handle_seconds", "available_seconds", "occupancy")
ONLINE = "online"
LAPSE_RECORDED_WITHIN = dt.timedelta(minutes=10)


def available_seconds(
    session: Session, start: dt.datetime, end: dt.datetime
) -> dict[int, float]:
    """Agent → seconds online from ``start`` to before ``end`` (never past now)."""
    end = min(end, utcnow())
    # A lapse is recorded up to a sweep after it happened: read that far past the end (every
    # spell is clipped to the range below, so a later event adds nothing of its own).
    rows = session.execute(
        select(Event.created_at, Event.data)
        .where(
            Event.kind == EventKind.ROUTING_PRESENCE_CHANGED,
            Event.created_at < end + LAPSE_RECORDED_WITHIN,
        )
        .order_by(Event.id)
    )
    online_since: dict[int, dt.datetime] = {}
    found: dict[int, float] = defaultdict(float)
    for created, data in rows:
        agent = int(data["user_id"])
        # A lapsed stream presence ended when it lapsed, not when the lapse was recorded.
        lapsed_at = data.get("lapsed_at")
        when = dt.datetime.fromisoformat(lapsed_at) if lapsed_at else created
        began = online_since.pop(agent, None)
        if began is not None:
            found[agent] += _overlap(began, when, start, end)
        if data.get("after") == ONLINE:
            online_since[agent] = when
    for agent, began in online_since.items():
        found[agent] += _overlap(began, end, start, end)
    return {agent: seconds for agent, seconds in found.items() if seconds > 0}


def _overlap(a: dt.datetime, b: dt.datetime, start: dt.datetime, end: dt.datetime) -> float:
    return max((min(b, end) - max(a, start)).total_seconds(), 0.0)


def occupancy(
    session: Session, since: dt.date, until: dt.date, teams: Collection[int] | None = None
) -> list[KpiRow]:
    """One row per agent with handle time or online time in the range (period: ``since``);
    with ``teams``, the agents who belong to one of them."""
    start = dt.datetime.combine(since, dt.time(), dt.UTC)
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), dt.UTC)
    online = available_seconds(session, start, end)
    # Who worked, from kpi_work_days (handle time by agent): a few rows per agent and day,
    # where the work rows are one per visit (2M in 90 days at 1M tickets).
    by_agent = handle_seconds(session, since, until, Dimension.AGENT, None)
    handled = {int(key): n for key, n in by_agent.items() if key is not None and n > 0}
    agents = set(online) | set(handled)
    if teams is not None:
        members = session.scalars(
            select(TeamMember.user_id).where(TeamMember.team_id.in_(list(teams)))
        )
        agents &= set(members)
    tallies: dict[tuple[dt.date, str | None], Tally] = {(since, str(a)): Tally() for a in agents}

    def row_values(tally: Tally) -> Values:
        agent = int(next(key for (_, key), t in tallies.items() if t is tally) or 0)
        work, available = int(handled.get(agent, 0)), round(online.get(agent, 0.0))
        return {"handle_seconds": work, "available_seconds": available,
                "occupancy": share(work, available)}  # fmt: skip

    return as_rows(session, Dimension.AGENT, tallies, row_values)
