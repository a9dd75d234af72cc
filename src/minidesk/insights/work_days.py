"""``kpi_work_days``: handle time's per-day counters (docs/metrics.md, handle time).

A ticket's ``work_time`` rows add, for each UTC day with active seconds, the day's seconds and
one ticket to the row (day, dimension, key, team, previous day worked, first solve day): by
agent per agent who worked (the previous day is that agent's), by the other dimensions once
for the ticket under its keys (the previous day is anyone's). A range's tickets are then the
rows whose previous day is before the range (a ticket counts once, on its first day in it),
and its solved tickets those with the solve day in the range too: sums, not a read per visit.

The keys and solve day are those of the ticket's KPI facts row (its current ones once the KPI
listener has run; the ticket's own, unsolved, until it has a facts row). Whoever changes a
ticket's work rows (a beat) or those keys (the KPI listener) moves the counters by the
difference (``move``); ``rebuild_work_days`` recomputes them."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import case, delete, select
from sqlalchemy.orm import Session

from minidesk.desk.models import Ticket
from minidesk.insights.cells import Dimension
from minidesk.insights.increments import add_increments
from minidesk.insights.rollup_models import NO_KEY, NO_TEAM, KpiTicketFacts, bulk_insert
from minidesk.insights.work_models import NO_DAY_BEFORE, NOT_SOLVED, KpiWorkDay, WorkTime

# (dimension, day, key, team_key, prev_day, solved_day): kpi_work_days' primary key.
WorkKey = tuple[str, dt.date, str, int, dt.date, dt.date]
Counts = dict[WorkKey, Counter[str]]
Worked = Sequence[tuple[int, dt.date, int]]  # one ticket's (user, day, seconds) rows
KeyChanges = Mapping[int, tuple[Mapping[str, Any], Mapping[str, Any]]]  # ticket → (old, new)
KEY_COLUMNS = ("team_id", "channel", "intent", "solved_day")
_TICKET_KEYED = {Dimension.TEAM: "team_id", Dimension.CHANNEL: "channel",
                 Dimension.INTENT: "intent"}  # fmt: skip
_CHUNK = 500


def contribution(worked: Worked, keys: Mapping[str, Any] | None) -> Counts:
    """What one ticket's work rows add under ``keys`` (team_id, channel, intent, solved_day)."""
    added: Counts = defaultdict(Counter)
    if keys is None:
        return added
    per_user: dict[int, Counter[dt.date]] = defaultdict(Counter)
    per_day: Counter[dt.date] = Counter()
    for user, day, seconds in worked:
        if seconds > 0:
            per_user[user][day] += seconds
            per_day[day] += seconds
    team = NO_TEAM if keys["team_id"] is None else keys["team_id"]
    solved = keys["solved_day"] or NOT_SOLVED

    def add(dimension: Dimension, key: str, days: Counter[dt.date]) -> None:
        previous = NO_DAY_BEFORE
        for day in sorted(days):
            row = added[(str(dimension), day, key, team, previous, solved)]
            row["seconds"] += days[day]
            row["tickets"] += 1
            previous = day

    for user, days in per_user.items():
        add(Dimension.AGENT, str(user), days)
    add(Dimension.ALL, NO_KEY, per_day)
    for dimension, column in _TICKET_KEYED.items():
        add(dimension, NO_KEY if keys[column] is None else str(keys[column]), per_day)
    return added


def move(session: Session, changes: Iterable[tuple[Counts, Counts]]) -> None:
    """Apply each (before, after) difference in one upsert of relative increments, rows in key
    order (two workers lock them in the same order on PostgreSQL), then drop emptied rows."""
    deltas: Counts = defaultdict(Counter)
    for before, after in changes:
        for sign, counts in ((-1, before), (1, after)):
            for row_key, found in counts.items():
                for name, n in found.items():
                    deltas[row_key][name] += sign * n
    rows = [_row(k, c) for k, c in sorted(deltas.items()) if any(c.values())]
    add_increments(session, KpiWorkDay, rows, ["seconds", "tickets"], KpiWorkDay.tickets == 0)


def _row(row_key: WorkKey, counts: Counter[str]) -> dict[str, Any]:
    dimension, day, key, team, previous, solved = row_key
    return {"dimension": dimension, "day": day, "key": key, "team_key": team,
            "prev_day": previous, "solved_day": solved, "seconds": counts["seconds"],
            "tickets": counts["tickets"]}  # fmt: skip


def worked(
    session: Session, ticket_ids: Sequence[int]
) -> dict[int, list[tuple[int, dt.date, int]]]:
    """Each ticket's (user, day, seconds) work rows."""
    found: dict[int, list[tuple[int, dt.date, int]]] = defaultdict(list)
    for start in range(0, len(ticket_ids), _CHUNK):
        for ticket_id, user, day, seconds in session.execute(
            select(WorkTime.ticket_id, WorkTime.user_id, WorkTime.day, WorkTime.seconds)
            .where(WorkTime.ticket_id.in_(ticket_ids[start : start + _CHUNK]))
        ):  # fmt: skip
            found[ticket_id].append((user, day, seconds))
    return found


def keys_of(session: Session, ticket: Ticket) -> dict[str, Any] | None:
    """The keys the ticket's work counts under: its facts row's (None without one)."""
    facts = session.execute(
        select(*(KpiTicketFacts.__table__.c[c] for c in KEY_COLUMNS))
        .where(KpiTicketFacts.ticket_id == ticket.id)
    ).mappings().first()  # fmt: skip
    return None if facts is None else dict(facts)


def own_keys(ticket: Ticket) -> dict[str, Any]:
    """A ticket's own keys, unsolved: its work's until it has a facts row (from before the
    event log and never changed since)."""
    return {"team_id": ticket.team_id, "channel": ticket.channel, "intent": ticket.intent,
            "solved_day": None}  # fmt: skip


def move_keys(session: Session, changes: KeyChanges) -> None:
    """Move each ticket's work from its old keys to its new ones (ticket → (old, new))."""
    if not changes:
        return
    rows = worked(session, sorted(changes))
    move(session, [(contribution(rows[t], old), contribution(rows[t], new))
                   for t, (old, new) in changes.items() if rows.get(t)])  # fmt: skip


def rebuild_work_days(session: Session) -> int:
    """kpi_work_days recomputed from every work row, under each ticket's facts row's keys (its
    own where it has none); the rows written."""
    session.execute(delete(KpiWorkDay))
    facts = KpiTicketFacts.__table__.c
    kept = facts.ticket_id.is_not(None)
    query = (
        select(WorkTime.ticket_id, WorkTime.user_id, WorkTime.day, WorkTime.seconds,
               case((kept, facts.team_id), else_=Ticket.team_id),
               case((kept, facts.channel), else_=Ticket.channel),
               case((kept, facts.intent), else_=Ticket.intent), facts.solved_day)
        .join(Ticket, Ticket.id == WorkTime.ticket_id)
        .outerjoin(KpiTicketFacts, KpiTicketFacts.ticket_id == WorkTime.ticket_id)
        .where(WorkTime.seconds > 0)
        .order_by(WorkTime.ticket_id)
        .execution_options(yield_per=5_000)
    )  # fmt: skip
    totals: Counts = defaultdict(Counter)
    current: int | None = None
    rows: list[tuple[int, dt.date, int]] = []
    keys: dict[str, Any] = {}

    def flush() -> None:
        for row_key, counts in contribution(rows, keys).items():
            totals[row_key].update(counts)

    for ticket_id, user, day, seconds, team, channel, intent, solved in session.execute(query):
        if ticket_id != current:
            if rows:
                flush()
            current, rows = ticket_id, []
            keys = {"team_id": team, "channel": channel, "intent": intent, "solved_day": solved}
        rows.append((user, day, seconds))
    if rows:
        flush()
    written = [_row(k, c) for k, c in sorted(totals.items())]
    for start in range(0, len(written), 5_000):
        session.execute(bulk_insert(KpiWorkDay), written[start : start + 5_000])
    return len(written)
