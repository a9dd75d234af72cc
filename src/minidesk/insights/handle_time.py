"""Handle time (docs/metrics.md): the agents' active seconds on tickets in a range of UTC
days, per agent (the one who worked, whoever holds the ticket now), team, channel or intent
(the ticket's current one), with the mean per ticket worked and per ticket solved."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from minidesk.desk.models import Ticket
from minidesk.insights.kpis import Dimension, KpiRow
from minidesk.insights.ops_rows import Tally, Values, as_rows, keys_of
from minidesk.insights.solves import first_solves
from minidesk.insights.work_models import WorkTime

METRICS: tuple[str, ...] = (
    "handle_seconds",
    "tickets",
    "seconds_per_ticket",
    "solved_tickets",
    "seconds_per_solved_ticket",
)


def worked_seconds(
    session: Session, since: dt.date, until: dt.date, teams: Collection[int] | None
) -> dict[tuple[int, int], int]:
    """(agent, ticket) → seconds counted from ``since`` to ``until`` (both days included)."""
    query = (
        select(WorkTime.user_id, WorkTime.ticket_id, func.sum(WorkTime.seconds))
        .where(WorkTime.day >= since, WorkTime.day <= until)
        .group_by(WorkTime.user_id, WorkTime.ticket_id)
    )
    if teams is not None:
        query = query.join(Ticket, Ticket.id == WorkTime.ticket_id).where(
            Ticket.team_id.in_(list(teams))
        )
    return {(user, ticket): int(seconds) for user, ticket, seconds in session.execute(query)}


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
    worked = {pair: s for pair, s in worked_seconds(session, since, until, teams).items() if s}
    start = dt.datetime.combine(since, dt.time(), dt.UTC)
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), dt.UTC)
    solved = {s.ticket_id for s in first_solves(session, start, end, teams)}
    # By agent, the key is who worked, not the ticket's assignee: no ticket key to read.
    ticket_by = Dimension.ALL if by == Dimension.AGENT else by
    ticket_keys = keys_of(session, (ticket for _, ticket in worked), ticket_by)
    seconds: dict[str | None, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for (user, ticket), spent in worked.items():
        key = str(user) if by == Dimension.AGENT else ticket_keys[ticket]
        seconds[key][ticket] += spent
    tallies: dict[tuple[dt.date, str | None], Tally] = defaultdict(Tally)
    for key, per_ticket in seconds.items():
        tally = tallies[(since, key)]
        for ticket in sorted(per_ticket):
            tally.count(ticket, "tickets", *(("solved_tickets",) if ticket in solved else ()))

    def row_values(tally: Tally) -> Values:
        key = next(k for (_, k), t in tallies.items() if t is tally)
        per_ticket = seconds[key]
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
