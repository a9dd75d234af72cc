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

import dataclasses
import datetime as dt
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Collection

from sqlalchemy import case, func, literal, select
from sqlalchemy.orm import Session

from minidesk.db import utcnow
from minidesk.insights.cells import micros, period_of_day
from minidesk.insights.daily import KEYED_BY
from minidesk.insights.kpis import Dimension, KpiRow, Period, period_start
from minidesk.insights.ops_rows import Tally, Values, as_rows, share
from minidesk.insights.repeat_gaps import MAX_WITHIN_DAYS, created_after
from minidesk.insights.report import sum_daily
from minidesk.insights.rollup_models import NO_KEY, KpiRepeatDay, KpiTicketFacts
from minidesk.insights.solves import first_solves, solved_between

METRICS: tuple[str, ...] = ("repeat_base", "repeat_contacts", "repeat_contact_rate", "pending")
DEFAULT_WITHIN_DAYS = 7
ONE_DAY = dt.timedelta(days=1)
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
    later = created_after(session, [(s.customer_id, s.solved_at) for s in solves], within)
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
    """``repeat_contacts``'s rows without drill-down members, under the keys the rollups hold
    for each ticket (its current ones). A whole day before the one holding now - ``within``
    has every window ended: its first solves from ``kpi_daily``, those that came back from
    ``kpi_repeat_days`` (gaps of at most ``within``'s days). A whole day after it is all
    pending: its first solves, from ``kpi_daily``. Only that day itself, and a range's partial
    first or last day, are counted ticket by ticket."""
    now = now or utcnow()
    if within % ONE_DAY:  # no bound on whole days of gap holds it (the API asks whole days)
        full = repeat_contacts(session, since, until, period, by, within, teams, now)
        return [dataclasses.replace(row, tickets={}) for row in full]
    cutoff = now - within  # a solve after it is pending
    tallies: dict[tuple[dt.date, str | None], Tally] = defaultdict(Tally)
    first, last, odd = _whole_days(since, until)
    cut = cutoff.astimezone(dt.UTC).date()
    if first <= cut <= last:
        odd.add(cut)
    ended = (first, min(last, cut - ONE_DAY))
    waiting = (max(first, cut + ONE_DAY), last)
    for start, key, (solved,) in sum_daily(session, *ended, period, by, teams, ("solved",)):
        tallies[(start, key)].counts["repeat_base"] += solved
    for start, key, (solved,) in sum_daily(session, *waiting, period, by, teams, ("solved",)):
        tallies[(start, key)].counts["pending"] += solved
    for start, key, repeats in _came_back(session, *ended, period, by, teams, within.days):
        tallies[(start, key)].counts["repeat_contacts"] += repeats
    if odd:
        _count_solves(session, tallies, since, until, sorted(odd), period, by, cutoff, within,
                      teams)  # fmt: skip
    kept = {k: t for k, t in tallies.items() if t.counts["repeat_base"] or t.counts["pending"]}
    return as_rows(session, by, kept, _row_values)


def _whole_days(since: dt.datetime, until: dt.datetime) -> tuple[dt.date, dt.date, set[dt.date]]:
    """The range's first and last whole UTC days, and its partial days (a range need not
    start or end at midnight)."""
    since, until = since.astimezone(dt.UTC), until.astimezone(dt.UTC)
    first, last = since.date(), until.date() - ONE_DAY
    partial = set()
    if since.timetz() != dt.time(tzinfo=dt.UTC):
        partial.add(first)
        first += ONE_DAY
    if until.timetz() != dt.time(tzinfo=dt.UTC):
        partial.add(until.date())
    return first, last, partial


def _came_back(
    session: Session, first: dt.date, last: dt.date, period: Period, by: Dimension,
    teams: Collection[int] | None, within_days: int,
) -> list[tuple[dt.date, str | None, int]]:  # fmt: skip
    """The first solves of ``first``-``last`` whose customer came back within ``within_days``,
    per period and key, summed from kpi_repeat_days."""
    if first > last:
        return []
    when = {Period.DAY: KpiRepeatDay.day, Period.WEEK: KpiRepeatDay.week,
            Period.MONTH: KpiRepeatDay.month}[period]  # fmt: skip
    query = (
        select(when, KpiRepeatDay.key, func.sum(KpiRepeatDay.repeats))
        .where(KpiRepeatDay.dimension == str(by), KpiRepeatDay.day >= first,
               KpiRepeatDay.day <= last, KpiRepeatDay.gap_days <= within_days)
        .group_by(when, KpiRepeatDay.key)
    )  # fmt: skip
    if teams is not None:
        query = query.where(KpiRepeatDay.team_key.in_(list(teams)))
    # PostgreSQL sums integers as numeric: int() brings them back.
    return [(start, None if key == NO_KEY else key, int(total))
            for start, key, total in session.execute(query)]  # fmt: skip


def _count_solves(
    session: Session, tallies: dict[tuple[dt.date, str | None], Tally], since: dt.datetime,
    until: dt.datetime, days: list[dt.date], period: Period, by: Dimension,
    cutoff: dt.datetime, within: dt.timedelta, teams: Collection[int] | None,
) -> None:  # fmt: skip
    """The first solves of ``days`` counted from each one's kept gap, in one grouped read."""
    pending = KpiTicketFacts.first_solved_at > cutoff
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
        .where(*solved_between(since, until), KpiTicketFacts.solved_day.in_(days))
        .group_by(KpiTicketFacts.solved_day, key)
    )
    if teams is not None:
        query = query.where(KpiTicketFacts.team_id.in_(list(teams)))
    for day, found, solves, waiting, repeats in session.execute(query):
        counts = tallies[(period_of_day(day, period), None if found is None else str(found))]
        counts.counts["pending"] += waiting
        counts.counts["repeat_base"] += solves - waiting
        counts.counts["repeat_contacts"] += repeats


def _row_values(tally: Tally) -> Values:
    base, repeats = tally.counts["repeat_base"], tally.counts["repeat_contacts"]
    return {
        "repeat_base": base,
        "repeat_contacts": repeats,
        "repeat_contact_rate": share(repeats, base),
        "pending": tally.counts["pending"],
    }
