"""Handle time (docs/metrics.md): the agents' active seconds on tickets in a range of UTC
days, per agent (the one who worked, whoever holds the ticket now), team, channel or intent
(the ticket's current one), with the mean per ticket worked and per ticket solved. The first
solve comes from the KPI rollup (``kpi_ticket_facts.first_solved_at``), as in ``solves``.

``fast_handle_time`` (the API and the dashboard) sums the per-day counters of
``insights.work_days``; ``handle_time`` reads every work row of the range and lists each
number's tickets (the drill-down), and is the full recomputation the tests hold it equal to."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.orm import Session

from minidesk.desk.models import Ticket
from minidesk.insights.kpis import NONE_LABEL, Dimension, KpiRow, key_column, labels_of
from minidesk.insights.ops_rows import Tally, Values, as_rows
from minidesk.insights.rollup_models import NO_KEY, KpiTicketFacts
from minidesk.insights.work_models import KpiWorkDay, WorkTime

METRICS: tuple[str, ...] = (
    "handle_seconds",
    "tickets",
    "seconds_per_ticket",
    "solved_tickets",
    "seconds_per_solved_ticket",
)


@dataclass(frozen=True)
class Worked:
    user_id: int
    ticket_id: int
    key: str | None  # the ticket's current team, channel or intent (None for all or agent)
    first_solved_at: dt.datetime | None
    seconds: int


def worked(
    session: Session,
    since: dt.date,
    until: dt.date,
    by: Dimension,
    teams: Collection[int] | None,
) -> list[Worked]:
    """Seconds per agent and ticket counted from ``since`` to ``until`` (both days included),
    with the ticket's key and first solve: one grouped read, no per-ticket lookups."""
    # By agent, the key is who worked, not the ticket's assignee: no ticket key to read.
    column = None if by == Dimension.AGENT else key_column(by)
    key = literal(None) if column is None else column
    grouped = [WorkTime.user_id, WorkTime.ticket_id, KpiTicketFacts.first_solved_at]
    query = (
        select(WorkTime.user_id, WorkTime.ticket_id, key, KpiTicketFacts.first_solved_at,
               func.sum(WorkTime.seconds))
        .join(Ticket, Ticket.id == WorkTime.ticket_id)
        .outerjoin(KpiTicketFacts, KpiTicketFacts.ticket_id == WorkTime.ticket_id)
        .where(WorkTime.day >= since, WorkTime.day <= until)
        .group_by(*grouped, *([] if column is None else [column]))
    )  # fmt: skip
    if teams is not None:
        query = query.where(Ticket.team_id.in_(list(teams)))
    return [
        Worked(user, ticket, None if k is None else str(k), solved, int(seconds))
        for user, ticket, k, solved, seconds in session.execute(query)
    ]


def handle_time(
    session: Session,
    since: dt.date,
    until: dt.date,
    by: Dimension,
    teams: Collection[int] | None = None,
) -> list[KpiRow]:
    """One row per key (period: ``since``) with the handle seconds in the range, the tickets
    worked and the mean per ticket, and of those, the tickets first solved in the range and
    their mean handle time in it."""
    start = dt.datetime.combine(since, dt.time(), dt.UTC)
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), dt.UTC)
    seconds: dict[str | None, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    solved: set[int] = set()
    for w in worked(session, since, until, by, teams):
        if not w.seconds:
            continue
        key = str(w.user_id) if by == Dimension.AGENT else w.key
        seconds[key][w.ticket_id] += w.seconds
        if w.first_solved_at is not None and start <= w.first_solved_at < end:
            solved.add(w.ticket_id)
    tallies: dict[tuple[dt.date, str | None], Tally] = {}
    for key, per_ticket in seconds.items():
        tally = tallies[(since, key)] = Tally()
        for ticket in sorted(per_ticket):
            tally.count(ticket, "tickets", *(("solved_tickets",) if ticket in solved else ()))
    key_of = {id(t): key for (_, key), t in tallies.items()}

    def row_values(tally: Tally) -> Values:
        per_ticket = seconds[key_of[id(tally)]]
        total = sum(per_ticket.values())
        on_solved = sum(per_ticket[t] for t in tally.members["solved_tickets"])
        return {
            "handle_seconds": total,
            "tickets": tally.counts["tickets"],
            "seconds_per_ticket": _mean(total, tally.counts["tickets"]),
            "solved_tickets": tally.counts["solved_tickets"],
            "seconds_per_solved_ticket": _mean(on_solved, tally.counts["solved_tickets"]),
        }

    return as_rows(session, by, tallies, row_values)


def fast_handle_time(
    session: Session,
    since: dt.date,
    until: dt.date,
    by: Dimension,
    teams: Collection[int] | None = None,
) -> list[KpiRow]:
    """``handle_time``'s rows without drill-down members, in one grouped read of
    kpi_work_days: a ticket counts on its first day worked in the range (the previous one is
    before it), as solved when its first solve day is in the range too."""
    days = KpiWorkDay.__table__.c
    first = days.prev_day < since
    solved = and_(days.solved_day >= since, days.solved_day <= until)
    query = (
        select(days.key, func.sum(days.seconds), func.sum(case((first, days.tickets), else_=0)),
               func.sum(case((first & solved, days.tickets), else_=0)),
               func.sum(case((solved, days.seconds), else_=0)))
        .where(days.dimension == str(by), days.day >= since, days.day <= until)
        .group_by(days.key)
    )  # fmt: skip
    if teams is not None:
        query = query.where(days.team_key.in_(list(teams)))
    # PostgreSQL sums integers as numeric: int() brings them back.
    found: dict[str | None, list[int]] = {
        None if key == NO_KEY else key: [int(n) for n in sums]
        for key, *sums in session.execute(query)
    }
    labels = labels_of(session, by, set(found))
    rows = []
    for key in sorted(found, key=lambda k: k or ""):
        total, tickets, solved_tickets, on_solved = found[key]
        values: Values = {
            "handle_seconds": total,
            "tickets": tickets,
            "seconds_per_ticket": _mean(total, tickets),
            "solved_tickets": solved_tickets,
            "seconds_per_solved_ticket": _mean(on_solved, solved_tickets),
        }
        rows.append(KpiRow(since, key, labels.get(key, key or NONE_LABEL), values))
    return rows


def handle_seconds(
    session: Session, since: dt.date, until: dt.date, by: Dimension,
    teams: Collection[int] | None,
) -> dict[str | None, int]:  # fmt: skip
    """The handle seconds per key from ``since`` to ``until`` (both included)."""
    return {row.key: int(row.values["handle_seconds"] or 0)
            for row in fast_handle_time(session, since, until, by, teams)}  # fmt: skip


def _mean(total: int, count: int) -> float | None:
    return round(total / count, 1) if count else None
