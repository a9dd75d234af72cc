"""Repeat contact rate (docs/metrics.md): of the tickets first solved in a period, the share
whose customer opened another ticket, on any channel, within N days after that solve.

A reopen of the same ticket is not a repeat contact (the reopen rate counts it). A solve
whose N days have not all passed when the report runs is ``pending``: it is left out of the
rate rather than counted as "no repeat" too early."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.db import utcnow
from minidesk.desk.models import Ticket
from minidesk.insights.kpis import Dimension, KpiRow, Period, period_start
from minidesk.insights.ops_rows import Tally, Values, as_rows, chunks, share
from minidesk.insights.solves import FirstSolve, first_solves

METRICS: tuple[str, ...] = ("repeat_base", "repeat_contacts", "repeat_contact_rate", "pending")
DEFAULT_WITHIN_DAYS = 7
MAX_WITHIN_DAYS = 90


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

    def row_values(tally: Tally) -> Values:
        base, repeats = tally.counts["repeat_base"], tally.counts["repeat_contacts"]
        return {
            "repeat_base": base,
            "repeat_contacts": repeats,
            "repeat_contact_rate": share(repeats, base),
            "pending": tally.counts["pending"],
        }

    for tally in tallies.values():
        tally.members["repeat_contact_rate"] = tally.members["repeat_contacts"]
    return as_rows(session, by, tallies, row_values)


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
