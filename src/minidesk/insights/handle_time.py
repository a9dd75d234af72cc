"""Handle time (docs/metrics.md): the agents' active seconds on tickets in a range of UTC
days, per agent (the one who worked, whoever holds the ticket now), team, channel or intent
(the ticket's current one), with the mean per ticket worked and per ticket solved. The first
solve comes from the KPI rollup (``kpi_ticket_facts.first_solved_at``), as in ``solves``."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import func, literal, select
from sqlalchemy.orm import Session

from minidesk.desk.models import Ticket
from minidesk.insights.kpis import Dimension, KpiRow, key_column
from minidesk.insights.ops_rows import Tally, Values, as_rows
from minidesk.insights.rollup_models import KpiTicketFacts
from minidesk.insights.work_models import WorkTime

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


def _mean(total: int, count: int) -> float | None:
    return round(total / count, 1) if count else None
