"""Repeat contact rate (docs/metrics.md): of the tickets first solved in a period, the share
whose customer opened another ticket, on any channel, within N days after that solve.

A reopen of the same ticket is not a repeat contact (the reopen rate counts it). A solve
whose N days have not all passed when the report runs is ``pending``: it is left out of the
rate rather than counted as "no repeat" too early.

``fast_repeat_contacts`` (the API and the dashboard) counts the range's first solves in SQL
from each one's gap to the customer's next ticket, kept on the KPI facts row
(``insights.repeat_gaps``); ``repeat_contacts`` reads the customers' tickets again and lists
each number's tickets (the drill-down), and is the full recomputation the tests hold the
fast one equal to."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Collection

from sqlalchemy import case, func, literal, select
from sqlalchemy.orm import Session

from minidesk.db import utcnow
from minidesk.desk.models import Ticket
from minidesk.insights.cells import micros, period_of_day
from minidesk.insights.daily import KEYED_BY
from minidesk.insights.kpis import Dimension, KpiRow, Period, period_start
from minidesk.insights.ops_rows import Tally, Values, as_rows, chunks, share
from minidesk.insights.repeat_gaps import MAX_WITHIN_DAYS
from minidesk.insights.rollup_models import KpiTicketFacts
from minidesk.insights.solves import FirstSolve, first_solves, solved_between

METRICS: tuple[str, ...] = ("repeat_base", "repeat_contacts", "repeat_contact_rate", "pending")
DEFAULT_WITHIN_DAYS = 7
__all__ = ["MAX_WITHIN_DAYS", "fast_repeat_contacts", "repeat_contacts"]


def repeat_contacts(
    session: Session,
    since: dt.datetime,
    until: dt.datetime,
    period: Period,
    by: Dimension,
    within: dt.timedelta,
    teams: Collection[int] | None = None,
    now: dt.datetime | None = None,
) -> list[KpiRow]:
    now = now or utcnow()
    solves = first_solves(session, since, until, teams, by)
    later = _later_contacts(session, solves, within)
    tallies: dict[tuple[dt.date, str | None], Tally] = defaultdict(Tally)
    for solve in solves:
        tally = tallies[(period_start(solve.solved_at, period), solve.key)]
        if solve.solved_at + within > now:
            tally.count(solve.ticket_id, "pending")
            continue
        tally.count(solve.ticket_id, "repeat_base")
        # The customer's first ticket created after the solve (never the solved ticket
        # itself: it was created before its solve) decides it; a busy customer's thousands
        # of tickets cost a binary search, not a scan per solve.
        created = later.get(solve.customer_id, [])
        first_after = bisect_right(created, solve.solved_at)
        if first_after < len(created) and created[first_after] <= solve.solved_at + within:
            tally.count(solve.ticket_id, "repeat_contacts")

    for tally in tallies.values():
        tally.members["repeat_contact_rate"] = tally.members["repeat_contacts"]
    return as_rows(session, by, tallies, _row_values)


def fast_repeat_contacts(
    session: Session,
    since: dt.datetime,
    until: dt.datetime,
    period: Period,
    by: Dimension,
    within: dt.timedelta,
    teams: Collection[int] | None = None,
    now: dt.datetime | None = None,
) -> list[KpiRow]:
    """``repeat_contacts``'s rows without drill-down members: the range's first solves
    counted per solve day and key in one grouped read of ``kpi_ticket_facts``, under the
    keys the rollup holds for each ticket (its current ones)."""
    # Pending: its window ends after now (solved + within > now).
    pending = KpiTicketFacts.first_solved_at > (now or utcnow()) - within
    came_back = KpiTicketFacts.repeat_gap_micros <= micros(within)
    key = literal(None) if by == Dimension.ALL else KpiTicketFacts.__table__.c[KEYED_BY[by]]
    query = (
        select(
            KpiTicketFacts.solved_day,
            key,
            func.count(),
            func.sum(case((pending, 1), else_=0)),
            func.sum(case((~pending & came_back, 1), else_=0)),
        )
        .where(*solved_between(since, until))
        .group_by(KpiTicketFacts.solved_day, key)
    )
    if teams is not None:
        query = query.where(KpiTicketFacts.team_id.in_(list(teams)))
    tallies: dict[tuple[dt.date, str | None], Tally] = defaultdict(Tally)
    for day, found, solves, waiting, repeats in session.execute(query):
        counts = tallies[(period_of_day(day, period), None if found is None else str(found))]
        counts.counts["pending"] += waiting
        counts.counts["repeat_base"] += solves - waiting
        counts.counts["repeat_contacts"] += repeats
    return as_rows(session, by, tallies, _row_values)


def _row_values(tally: Tally) -> Values:
    base, repeats = tally.counts["repeat_base"], tally.counts["repeat_contacts"]
    return {
        "repeat_base": base,
        "repeat_contacts": repeats,
        "repeat_contact_rate": share(repeats, base),
        "pending": tally.counts["pending"],
    }


def _later_contacts(
    session: Session, solves: list[FirstSolve], within: dt.timedelta
) -> dict[int, list[dt.datetime]]:
    """Customer → the creation times, in order, of their tickets created from the earliest
    solve to the end of the latest window: every ticket that could be someone's repeat."""
    if not solves:
        return {}
    start = min(s.solved_at for s in solves)
    end = max(s.solved_at for s in solves) + within
    found: dict[int, list[dt.datetime]] = defaultdict(list)
    for chunk in chunks(sorted({s.customer_id for s in solves})):
        rows = session.execute(
            select(Ticket.customer_id, Ticket.created_at).where(
                Ticket.customer_id.in_(chunk), Ticket.created_at > start,
                Ticket.created_at <= end,
            )
        )  # fmt: skip
        for customer_id, created in rows:
            found[customer_id].append(created)
    for times in found.values():
        times.sort()
    return found
