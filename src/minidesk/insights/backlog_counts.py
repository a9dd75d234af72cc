"""The backlog report from the rollups (what the dashboard and the API read):
``backlog.backlog``'s rows without drill-down members.

The tickets open at ``at`` are those open now, less those open now whose open span began
after ``at``, plus those with a span that closed after ``at`` and began by then
(``kpi_backlog_spans``, the spans the full report's status changes tell): two index ranges,
counted per key and bucket in the database. The tickets open now come from ``kpi_daily``'s
``open_now`` counters, per creation day: a day before ``at``'s own holds tickets of one age
bucket unless a bucket's bound (``at`` less 1, 3, 7, 14 or 30 days) falls inside it, so those
days, and the day of ``at``, are read ticket by ticket (``kpi_ticket_facts`` by its index on
``backlog_since``); every other day is summed per key and
bucket in the database. Ages are summed exactly, in integers (days since 1970 and
microseconds after each day's midnight), so a million open tickets neither overflow nor
round. ``tests/insights/test_backlog_counts.py``
holds this equal to the full report, and ``tests/insights/test_rollups.py`` the counters
the listeners keep equal to a rebuild."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Collection
from fractions import Fraction
from typing import Any

from sqlalchemy import Integer, Select, and_, case, cast, func, literal, or_, select
from sqlalchemy.orm import Session

from minidesk.insights.backlog import BUCKETS, bucket_of
from minidesk.insights.daily import KEYED_BY
from minidesk.insights.kpis import NONE_LABEL, Dimension, KpiRow, labels_of
from minidesk.insights.rollup_models import NO_KEY, KpiBacklogSpan, KpiDaily, KpiTicketFacts

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
MICRO = dt.timedelta(microseconds=1)
# The whole days of the buckets' bounds (each bound is a whole number of days).
BOUND_DAYS = tuple(bound // DAY for _, bound in BUCKETS[1:])


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), dt.UTC)


def _epoch_day(session: Session) -> Any:
    """SQL for ``kpi_daily.day`` as days since 1970 (each database has its own date sums)."""
    if session.get_bind().dialect.name == "sqlite":
        return cast(func.julianday(KpiDaily.day) - 2440587.5, Integer)
    return cast(KpiDaily.day - dt.date(1970, 1, 1), Integer)


class _Tally:
    """Per key: tickets per bucket and their creation times summed, in microseconds since
    1970 (Python's integers do not overflow)."""

    def __init__(self) -> None:
        self.counts: dict[str | None, Counter[str]] = defaultdict(Counter)
        self.created: dict[str | None, int] = defaultdict(int)

    def add(self, key: str | None, bucket: str, n: int, created_micros: int) -> None:
        self.counts[key][bucket] += n
        self.created[key] += created_micros

    def ticket(self, key: str | None, at: dt.datetime, created: dt.datetime, sign: int) -> None:
        self.add(key, bucket_of(at - created), sign, sign * ((created - EPOCH) // MICRO))


def backlog_counts(
    session: Session, at: dt.datetime, by: Dimension, teams: Collection[int] | None = None
) -> list[KpiRow]:
    today = at.astimezone(dt.UTC).date()
    raw_days = [today - dt.timedelta(days=n) for n in BOUND_DAYS]
    tally = _Tally()
    # Each summed day's bucket (no bound falls in it) and its midnight as days since 1970.
    bucket = case(
        *((KpiDaily.day < today - bound, name) for name, bound in reversed(BUCKETS[1:])),
        else_=BUCKETS[0][0],
    )
    summed = (
        select(KpiDaily.key, bucket, func.sum(KpiDaily.open_now),
               func.sum(KpiDaily.open_now * _epoch_day(session)), func.sum(KpiDaily.open_micros))
        .where(KpiDaily.dimension == str(by), KpiDaily.day < today,
               KpiDaily.day.not_in(raw_days), KpiDaily.open_now != 0)
        .group_by(KpiDaily.key, bucket)
    )  # fmt: skip
    # The open tickets of the day of ``at`` (created by then) and of the days a bound cuts,
    # by the index on their creation while open, under the keys the counters have them.
    since = KpiTicketFacts.backlog_since
    cut_days = or_(
        and_(since >= _midnight(today), since <= at),
        *(and_(since >= _midnight(d), since < _midnight(d + DAY)) for d in raw_days),
    )
    facts_key = literal(None) if by == Dimension.ALL else KpiTicketFacts.__table__.c[KEYED_BY[by]]
    read = select(since, facts_key).where(cut_days)
    if teams is not None:
        summed = summed.where(KpiDaily.team_key.in_(list(teams)))
        read = read.where(KpiTicketFacts.team_id.in_(list(teams)))
    for stored_key, name, n, days, micros in session.execute(summed):
        key_of_row = None if stored_key == NO_KEY else str(stored_key)
        tally.add(key_of_row, name, int(n), int(days) * (DAY // MICRO) + int(micros))
    for created, k in session.execute(read):
        tally.ticket(None if k is None else str(k), at, created, 1)
    # Open at ``at`` and not now, +1; open now and not at ``at``, -1 (``backlog_spans``). A
    # span opens at its ticket's creation or later: opened by ``at``, it was created by then.
    spans = KpiBacklogSpan.__table__.c
    then_not_now = and_(spans.closed_at > at, spans.opened_at <= at)
    now_not_then = and_(spans.closed_at.is_(None), spans.opened_at > at, spans.created_at <= at)
    for sign, which in ((1, then_not_now), (-1, now_not_then)):
        for k, name, n, days, micros in session.execute(_spans_summed(at, by, which, teams)):
            key_of_row = None if k is None else str(k)
            # PostgreSQL sums a bigint to a numeric (a Decimal): made integers again.
            summed_micros = int(days) * (DAY // MICRO) + int(micros)
            tally.add(key_of_row, name, sign * int(n), sign * summed_micros)
    return _rows(session, at, by, tally)


def _spans_summed(
    at: dt.datetime, by: Dimension, which: Any, teams: Collection[int] | None
) -> Select[Any]:
    """The spans ``which`` selects per key and age bucket at ``at``: how many, their creation
    days and microseconds after midnight summed."""
    spans = KpiBacklogSpan.__table__.c
    bucket = case(
        *((spans.created_at <= at - bound, name) for name, bound in reversed(BUCKETS[1:])),
        else_=BUCKETS[0][0],
    )
    # Grouped by a column, never by a constant (PostgreSQL cannot type an untyped NULL).
    keyed = [] if by == Dimension.ALL else [spans[KEYED_BY[by]]]
    key = keyed[0] if keyed else literal(None)
    query = (
        select(key, bucket, func.count(), func.sum(spans.created_days),
               func.sum(spans.created_micros))
        .where(which)
        .group_by(*keyed, bucket)
    )  # fmt: skip
    if teams is not None:
        query = query.where(spans.team_id.in_(list(teams)))
    return query


def _rows(session: Session, at: dt.datetime, by: Dimension, tally: _Tally) -> list[KpiRow]:
    at_micros = (at - EPOCH) // MICRO
    keys = {k for k, counts in tally.counts.items() if sum(counts.values())}
    labels = labels_of(session, by, keys)
    rows = []
    for row_key in sorted(keys, key=lambda k: k or ""):
        counts = tally.counts[row_key]
        n = sum(counts.values())
        mean_hours = Fraction(n * at_micros - tally.created[row_key], n * 3_600_000_000)
        values: dict[str, float | int | None] = {
            "open_tickets": n,
            **{name: counts[name] for name, _ in BUCKETS},
            "mean_age_hours": round(float(mean_hours), 2),
        }
        rows.append(KpiRow(at.date(), row_key, labels.get(row_key, row_key or NONE_LABEL), values))
    return rows
