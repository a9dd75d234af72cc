"""Backlog age distribution (docs/metrics.md): the tickets open at one moment, by how long
they had existed then, per agent, team, channel or intent.

A ticket's status at a past moment comes from its status changes: the ``after`` of the last
change at or before it; before its first change, that change's ``before``; with no change at
all, its status now. So the backlog of last Monday reads the same today as it did then."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection

from sqlalchemy import Select, literal, select, text
from sqlalchemy.orm import Session

from minidesk.desk.models import OPEN_STATUSES, Ticket
from minidesk.event_kinds import EventKind
from minidesk.events import STATUS_CHANGES, Event
from minidesk.insights.kpis import Dimension, KpiRow, key_column
from minidesk.insights.ops_rows import Tally, Values, as_rows, chunks

DAY = dt.timedelta(days=1)
# (name, lower bound included): each bucket runs to the next one's bound.
BUCKETS: tuple[tuple[str, dt.timedelta], ...] = (
    ("under_1d", dt.timedelta(0)),
    ("from_1d_to_3d", 1 * DAY),
    ("from_3d_to_7d", 3 * DAY),
    ("from_7d_to_14d", 7 * DAY),
    ("from_14d_to_30d", 14 * DAY),
    ("over_30d", 30 * DAY),
)
METRICS: tuple[str, ...] = ("open_tickets", *(name for name, _ in BUCKETS), "mean_age_hours")
OPEN = frozenset(str(s) for s in OPEN_STATUSES)


def bucket_of(age: dt.timedelta) -> str:
    return next(name for name, bound in reversed(BUCKETS) if age >= bound)


def backlog(
    session: Session, at: dt.datetime, by: Dimension, teams: Collection[int] | None = None
) -> list[KpiRow]:
    """One row per key (period: the day of ``at``), counting the tickets open at ``at``."""
    column = key_column(by)
    key = literal(None) if column is None else column
    # A ticket whose status did not change after ``at`` has the status then that it has now
    # (every status change writes its event in the same transaction): the open tickets,
    # read by the status index. Only those changed since (none for ``at`` = now) need their
    # status changes read.
    steady = select(Ticket.id, Ticket.created_at, key).where(
        Ticket.status.in_(list(OPEN)), Ticket.created_at <= at, Ticket.id.not_in(changed_since(at))
    )
    moved = select(Ticket.id, Ticket.created_at, key, Ticket.status).where(
        Ticket.id.in_(changed_since(at)), Ticket.created_at <= at
    )
    if teams is not None:
        steady = steady.where(Ticket.team_id.in_(list(teams)))
        moved = moved.where(Ticket.team_id.in_(list(teams)))
    open_then = {i: (created, None if k is None else str(k))
                 for i, created, k in session.execute(steady)}  # fmt: skip
    candidates = {i: (status, created, None if k is None else str(k))
                  for i, created, k, status in session.execute(moved)}  # fmt: skip
    status_then = statuses_at(session, sorted(candidates), at)
    for ticket_id, (status, created, k) in candidates.items():
        if status_then.get(ticket_id, status) in OPEN:
            open_then[ticket_id] = (created, k)
    tallies: dict[tuple[dt.date, str | None], Tally] = defaultdict(Tally)
    ages: dict[str | None, list[float]] = defaultdict(list)
    for ticket_id, (created, k) in sorted(open_then.items()):
        age = at - created
        tallies[(at.date(), k)].count(ticket_id, "open_tickets", bucket_of(age))
        ages[k].append(age.total_seconds())

    def row_values(tally: Tally) -> Values:
        k = open_then[tally.members["open_tickets"][0]][1]
        mean = sum(ages[k]) / len(ages[k]) / 3600
        return {
            "open_tickets": tally.counts["open_tickets"],
            **{name: tally.counts[name] for name, _ in BUCKETS},
            "mean_age_hours": round(mean, 2),
        }

    return as_rows(session, by, tallies, row_values)


def changed_since(at: dt.datetime) -> Select[int | None]:
    """The tickets whose status changed after ``at``, by the partial index on status
    changes (``ix_events_status_changes``, whose condition is written out here)."""
    return select(Event.ticket_id).where(text(STATUS_CHANGES), Event.created_at > at)


def statuses_at(session: Session, ticket_ids: list[int], at: dt.datetime) -> dict[int, str]:
    """Each ticket's status at ``at`` as its status changes tell it (absent: none at all)."""
    found: dict[int, str] = {}
    for chunk in chunks(ticket_ids):
        rows = session.execute(
            select(Event.ticket_id, Event.created_at, Event.data)
            .where(Event.ticket_id.in_(chunk), Event.kind == EventKind.TICKET_STATUS_CHANGED)
            .order_by(Event.ticket_id, Event.id)
        )
        for ticket_id, when, data in rows:
            if when <= at:
                found[ticket_id] = str(data.get("after"))
            elif ticket_id not in found:
                # Events come in order: this is the first change after ``at``, and the
                # status it changed from is the one the ticket had at ``at``.
                found[ticket_id] = str(data.get("before"))
    return found
