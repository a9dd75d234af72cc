"""``kpi_contact_days``: cost per contact's contacts as per-day counters (docs/metrics.md).

A ticket adds, for each UTC day its customer wrote (a ``message.received``), one ticket to
the row (day, dimension, key, team, previous day written) of each dimension the report groups
by, under the keys of its KPI facts row (its current team, channel and intent once the KPI
listener has run). A range's contacts are then the rows whose previous day is before the
range (a ticket counts once, on its first day in it): a sum, not a read per ticket.

``kpi_ticket_contact_days`` remembers the days each ticket counts on: the KPI listener
(``rollup.refresh``) compares them and the facts row's keys with the ticket's events and new
keys and moves the counters by the difference (``keep``); ``rebuild_contact_days``
recomputes both from the event log."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, func, select
from sqlalchemy.orm import Session

from minidesk.event_kinds import EventKind
from minidesk.events import Event
from minidesk.insights.cells import Dimension
from minidesk.insights.cost_models import KpiContactDay, KpiTicketContactDay
from minidesk.insights.increments import add_increments
from minidesk.insights.rollup_models import NO_KEY, NO_TEAM, KpiTicketFacts, bulk_insert
from minidesk.insights.work_models import NO_DAY_BEFORE

# (dimension, day, key, team_key, prev_day): kpi_contact_days' primary key.
ContactKey = tuple[str, dt.date, str, int, dt.date]
Change = tuple[Counter[ContactKey], Counter[ContactKey]]  # (before, after)
Keys = Mapping[str, Any] | None  # a facts row's KEY_COLUMNS; None: the ticket counts nowhere
KEY_COLUMNS = ("team_id", "channel", "intent")
# The dimensions cost per contact groups by, and each one's key column.
KEYED_BY = {Dimension.ALL: None, Dimension.TEAM: "team_id", Dimension.CHANNEL: "channel",
            Dimension.INTENT: "intent"}  # fmt: skip
RECEIVED = str(EventKind.MESSAGE_RECEIVED)
_CHUNK = 500
_WRITE_CHUNK = 5_000


def day_of(at: dt.datetime) -> dt.date:
    return at.astimezone(dt.UTC).date()


def contribution(days: Iterable[dt.date], keys: Keys) -> Counter[ContactKey]:
    """What one ticket written to on ``days`` adds under ``keys``."""
    added: Counter[ContactKey] = Counter()
    if keys is None:
        return added
    team = NO_TEAM if keys["team_id"] is None else keys["team_id"]
    units = [(str(dimension), NO_KEY if column is None or keys[column] is None
              else str(keys[column])) for dimension, column in KEYED_BY.items()]  # fmt: skip
    previous = NO_DAY_BEFORE
    for day in sorted(set(days)):
        for dimension, key in units:
            added[(dimension, day, key, team, previous)] += 1
        previous = day
    return added


def counted(session: Session, ticket_ids: Sequence[int]) -> dict[int, set[dt.date]]:
    """The days each ticket counts on now (kpi_ticket_contact_days)."""
    found: dict[int, set[dt.date]] = defaultdict(set)
    for start in range(0, len(ticket_ids), _CHUNK):
        for ticket_id, day in session.execute(
            select(KpiTicketContactDay.ticket_id, KpiTicketContactDay.day)
            .where(KpiTicketContactDay.ticket_id.in_(ticket_ids[start : start + _CHUNK]))
        ):  # fmt: skip
            found[ticket_id].add(day)
    return found


def keep(
    session: Session,
    keys: Mapping[int, tuple[Keys, Keys]],
    received: Mapping[int, Collection[dt.datetime]],
) -> None:
    """Bring the counters of the tickets of ``keys`` (ticket → (keys counted under, keys
    now)) up to their events, ``received`` holding when each one's customer wrote (its
    ``message.received`` events, all of them): take back what each counted, add what it
    counts now."""
    ids = sorted(keys)
    if not ids:
        return
    now = {ticket_id: {day_of(at) for at in received.get(ticket_id, ())} for ticket_id in ids}
    was = counted(session, ids)
    changes: list[Change] = []
    gone: list[dict[str, Any]] = []
    added: list[dict[str, Any]] = []
    for ticket_id in ids:
        old, new = keys[ticket_id]
        before = was.get(ticket_id, set())
        after = now.get(ticket_id, set()) if new is not None else set()
        if before == after and (old == new or not before):
            continue
        changes.append((contribution(before, old), contribution(after, new)))
        gone += [{"t": ticket_id, "d": day} for day in sorted(before - after)]
        added += [{"ticket_id": ticket_id, "day": day} for day in sorted(after - before)]
    if gone:
        table = cast("Table", KpiTicketContactDay.__table__)
        session.execute(table.delete().where(table.c.ticket_id == bindparam("t"),
                                             table.c.day == bindparam("d")), gone)  # fmt: skip
    if added:
        session.execute(bulk_insert(KpiTicketContactDay), added)
    move(session, changes)


def move(session: Session, changes: Iterable[Change]) -> None:
    """Apply each (before, after) difference in one upsert of relative increments, rows in key
    order (two workers lock them in the same order on PostgreSQL), then drop emptied rows."""
    deltas: Counter[ContactKey] = Counter()
    for before, after in changes:
        deltas.update(after)
        deltas.subtract(before)
    rows = [_row(key, n) for key, n in sorted(deltas.items()) if n]
    add_increments(session, KpiContactDay, rows, ["tickets"], KpiContactDay.tickets == 0)


def _row(row_key: ContactKey, tickets: int) -> dict[str, Any]:
    dimension, day, key, team, previous = row_key
    return {"dimension": dimension, "day": day, "key": key, "team_key": team,
            "prev_day": previous, "tickets": tickets}  # fmt: skip


def contact_counts(
    session: Session, since: dt.date, until: dt.date, by: Dimension,
    teams: Collection[int] | None,
) -> dict[str | None, int]:  # fmt: skip
    """Per key, the tickets written to from ``since`` to ``until`` (both included): one
    grouped read of the range's counters, each ticket on its first day in the range."""
    days = KpiContactDay.__table__.c
    query = (
        select(days.key, func.sum(days.tickets))
        .where(days.dimension == str(by), days.day >= since, days.day <= until,
               days.prev_day < since)
        .group_by(days.key)
    )  # fmt: skip
    if teams is not None:
        query = query.where(days.team_key.in_(list(teams)))
    # PostgreSQL sums integers as numeric: int() brings them back.
    return {None if key == NO_KEY else key: int(n) for key, n in session.execute(query) if n}


def rebuild_contact_days(session: Session) -> int:
    """Both tables recomputed from every ``message.received`` under its ticket's facts row's
    keys (every ticket with one has a facts row); the counter rows written."""
    session.execute(delete(KpiContactDay))
    session.execute(delete(KpiTicketContactDay))
    facts = KpiTicketFacts.__table__.c
    query = (
        select(Event.ticket_id, Event.created_at, *(facts[c] for c in KEY_COLUMNS))
        .join(KpiTicketFacts, KpiTicketFacts.ticket_id == Event.ticket_id)
        .where(Event.kind == RECEIVED)
        .order_by(Event.ticket_id)
        .execution_options(yield_per=_WRITE_CHUNK)
    )  # fmt: skip
    totals: Counter[ContactKey] = Counter()
    # Inserted after the read: a statement between the streamed read's fetches would share
    # its connection.
    memory: list[tuple[int, dt.date]] = []
    current: int | None = None
    days: set[dt.date] = set()
    keys: dict[str, Any] = {}

    def flush() -> None:
        totals.update(contribution(days, keys))
        memory.extend((cast("int", current), day) for day in sorted(days))

    for ticket_id, at, *found in session.execute(query):
        if ticket_id != current:
            if days:
                flush()
            current, days = ticket_id, set()
            keys = dict(zip(KEY_COLUMNS, found, strict=True))
        days.add(day_of(at))
    if days:
        flush()
    for start in range(0, len(memory), _WRITE_CHUNK):
        session.execute(
            bulk_insert(KpiTicketContactDay),
            [{"ticket_id": t, "day": d} for t, d in memory[start : start + _WRITE_CHUNK]],
        )
    rows = [_row(k, n) for k, n in sorted(totals.items())]
    for start in range(0, len(rows), _WRITE_CHUNK):
        session.execute(bulk_insert(KpiContactDay), rows[start : start + _WRITE_CHUNK])
    return len(rows)
