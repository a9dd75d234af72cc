"""``kpi_backlog_spans``: the spans each ticket's status was open, as ``backlog.backlog`` reads
its status at a moment: before its first change, that change's ``before``; from each change,
its ``after``; from its last change on, its status now (what the report takes for a ticket not
changed since the moment). The KPI listener keeps them (``rollup.refresh``), the rebuild and
migration 0047 write them from the events.

A ticket is open at ``at`` and not now when one of its spans closed after ``at`` and opened
by then; open now and not at ``at`` when its span open now opened after ``at``: the backlog
then corrects the open-now counters by two index ranges (``backlog_counts``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from minidesk.insights.backlog import OPEN
from minidesk.insights.rollup_models import KpiBacklogSpan, bulk_insert

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
MICRO = dt.timedelta(microseconds=1)
Change = tuple[dt.datetime, Any, Any]  # (when, before, after), in event id order
Span = tuple[dt.datetime, dt.datetime | None]
COLUMNS = [c.name for c in KpiBacklogSpan.__table__.columns]


def open_spans(created_at: dt.datetime, changes: Sequence[Change], status_now: str) -> list[Span]:
    """The ticket's open spans (opened, closed or None if open now), each with a bound from a
    status change; without changes, none (its status now is its status at every moment).

    The times are taken as never going back (each at least the one before it, the first at
    least the creation), as one ticket's changes are written under its row lock."""
    if not changes:
        return []
    # (from when, status): before the first change, then after each one, then now.
    steps = [(created_at, str(changes[0][1]))]
    steps += [(when, str(after)) for when, _, after in changes[:-1]]
    steps.append((changes[-1][0], status_now))
    spans: list[Span] = []
    opened: dt.datetime | None = None
    last = created_at
    for when, status in steps:
        last = max(last, when)
        if status in OPEN and opened is None:
            opened = last
        elif status not in OPEN and opened is not None:
            if last > opened:  # a span closed as it opened holds no moment
                spans.append((opened, last))
            opened = None
    if opened is not None and opened > created_at:  # open since creation: counted already
        spans.append((opened, None))
    return spans


def span_rows(
    ticket_id: int, keys: Mapping[str, Any], changes: Sequence[Change]
) -> list[dict[str, Any]]:
    """``ticket_id``'s rows: ``keys`` are its columns now (``tickets``' created_at, status,
    assignee_id, team_id, channel, intent)."""
    created: dt.datetime = keys["created_at"]
    micros = (created - EPOCH) // MICRO
    days, after_midnight = divmod(micros, DAY // MICRO)
    return [
        {"ticket_id": ticket_id, "opened_at": opened, "closed_at": closed,
         "created_at": created, "created_days": days, "created_micros": after_midnight,
         "assignee_id": keys["assignee_id"], "team_id": keys["team_id"],
         "channel": keys["channel"], "intent": keys["intent"]}
        for opened, closed in open_spans(created, changes, str(keys["status"]))
    ]  # fmt: skip


def keep(session: Session, fresh: Mapping[int, Iterable[dict[str, Any]]]) -> None:
    """Make the stored spans of the tickets ``fresh`` names ([] for none) equal
    to theirs, rewriting only the tickets whose spans differ."""
    if not fresh:
        return
    table = KpiBacklogSpan.__table__
    stored: dict[int, set[tuple[Any, ...]]] = {ticket_id: set() for ticket_id in fresh}
    for row in session.execute(select(table).where(table.c.ticket_id.in_(list(fresh)))):
        stored[row.ticket_id].add(tuple(row))
    rows = {i: [dict(r) for r in spans] for i, spans in fresh.items()}
    moved = [i for i, spans in rows.items()
             if {tuple(r[c] for c in COLUMNS) for r in spans} != stored[i]]  # fmt: skip
    if not moved:
        return
    session.execute(delete(KpiBacklogSpan).where(KpiBacklogSpan.ticket_id.in_(moved)))
    written = [r for i in moved for r in rows[i]]
    if written:
        session.execute(bulk_insert(KpiBacklogSpan), written)
