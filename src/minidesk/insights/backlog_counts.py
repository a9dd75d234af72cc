"""The backlog report counted in the database (what the dashboard and the API read):
``backlog.backlog``'s rows without drill-down members.

The tickets open at ``at`` whose status has not changed since (all of them for ``at`` = now)
are counted per key and age bucket by one grouped query on the status index, with their ages
summed exactly (whole seconds and microseconds apart, in integers, so a million open tickets
neither overflow nor round); only the tickets whose status changed after ``at`` are read one
by one, as the full report reads them. ``tests/insights/test_backlog_counts.py`` holds the two
equal."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Collection
from fractions import Fraction
from typing import Any

from sqlalchemy import Integer, case, cast, extract, func, literal, select
from sqlalchemy.orm import Session

from minidesk.desk.models import Ticket
from minidesk.insights.backlog import BUCKETS, OPEN, bucket_of, changed_since, statuses_at
from minidesk.insights.kpis import NONE_LABEL, Dimension, KpiRow, key_column, labels_of

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _epoch_parts(session: Session) -> tuple[Any, Any]:
    """SQL for a ticket's creation as (seconds since 1970, microseconds beyond them)."""
    if session.get_bind().dialect.name == "sqlite":
        # Stored as 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC: %s drops the fraction.
        micros = cast(func.substr(Ticket.created_at, 21, 6), Integer)
        return extract("epoch", Ticket.created_at), micros
    # PostgreSQL's epoch is an exact numeric with the microseconds in its fraction.
    return extract("epoch", Ticket.created_at), literal(0)


def backlog_counts(
    session: Session, at: dt.datetime, by: Dimension, teams: Collection[int] | None = None
) -> list[KpiRow]:
    column = key_column(by)
    key = literal(None) if column is None else column
    seconds, micros = _epoch_parts(session)
    # A bucket's lower bound is included: age >= bound, i.e. created at or before at - bound.
    bucket = case(
        *((Ticket.created_at <= at - bound, name) for name, bound in reversed(BUCKETS[1:])),
        else_=BUCKETS[0][0],
    )
    steady = (
        select(key, bucket, func.count(), func.sum(seconds), func.sum(micros))
        .where(Ticket.status.in_(list(OPEN)), Ticket.created_at <= at,
               Ticket.id.not_in(changed_since(at)))
        .group_by(key, bucket)
    )  # fmt: skip
    moved = select(Ticket.id, Ticket.created_at, key, Ticket.status).where(
        Ticket.id.in_(changed_since(at)), Ticket.created_at <= at
    )
    if teams is not None:
        steady = steady.where(Ticket.team_id.in_(list(teams)))
        moved = moved.where(Ticket.team_id.in_(list(teams)))
    counts: dict[str | None, Counter[str]] = defaultdict(Counter)
    # Seconds since 1970 summed over each key's open tickets: the ages follow from it.
    created_sum: dict[str | None, Fraction] = defaultdict(Fraction)
    for k, name, n, second_sum, micro_sum in session.execute(steady):
        row_key = None if k is None else str(k)
        counts[row_key][name] += int(n)
        created_sum[row_key] += Fraction(str(second_sum)) + Fraction(int(micro_sum), 1_000_000)
    candidates = list(session.execute(moved))
    status_then = statuses_at(session, sorted(i for i, *_ in candidates), at)
    for ticket_id, created, k, status in candidates:
        if status_then.get(ticket_id, status) in OPEN:
            row_key = None if k is None else str(k)
            counts[row_key][bucket_of(at - created)] += 1
            delta = created - EPOCH
            created_sum[row_key] += Fraction(delta.days * 86_400 + delta.seconds) + Fraction(
                delta.microseconds, 1_000_000
            )
    at_seconds = Fraction((at - EPOCH) // dt.timedelta(microseconds=1), 1_000_000)
    labels = labels_of(session, by, set(counts))
    rows = []
    for row_key in sorted(counts, key=lambda k: k or ""):
        n = sum(counts[row_key].values())
        mean_hours = (n * at_seconds - created_sum[row_key]) / n / 3600
        values: dict[str, float | int | None] = {
            "open_tickets": n,
            **{name: counts[row_key][name] for name, _ in BUCKETS},
            "mean_age_hours": round(float(mean_hours), 2),
        }
        rows.append(KpiRow(at.date(), row_key, labels.get(row_key, row_key or NONE_LABEL), values))
    return rows
