"""Each first-solved ticket's gap to its customer's next contact, kept on its KPI facts row
(``kpi_ticket_facts.repeat_gap_micros``) for the repeat contact rate (docs/metrics.md).

The gap is the time from the ticket's first solve to the creation of its customer's first
ticket created after that solve, in whole microseconds (exact, and compared in SQL without
date functions); None without such a ticket within ``MAX_WITHIN_DAYS``, the longest window
a report may ask for. A gap changes only when the ticket's first solve moves, when its
customer opens a ticket (only the tickets first solved in the 90 days before that creation
can be touched) and when customers are merged or unmerged (their tickets change hands):
``affected`` finds those tickets and ``keep`` recomputes them."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from minidesk.desk.models import Ticket
from minidesk.insights.cells import micros
from minidesk.insights.repeat_days import Change, move
from minidesk.insights.rollup_models import KpiTicketFacts

MAX_WITHIN_DAYS = 90
WINDOW = dt.timedelta(days=MAX_WITHIN_DAYS)
CHUNK = 500


def gap(solved: dt.datetime, later_created: Sequence[dt.datetime]) -> int | None:
    """The gap from ``solved`` to the first of ``later_created`` (sorted) after it."""
    first_after = bisect_right(later_created, solved)
    if first_after == len(later_created) or later_created[first_after] - solved > WINDOW:
        return None
    return micros(later_created[first_after] - solved)


def gaps(session: Session, ticket_ids: Sequence[int]) -> dict[int, int | None]:
    """The gap of each of ``ticket_ids`` (None for one not first solved), from the rollup's
    first solves and the customers' tickets as they are now."""
    found: dict[int, int | None] = {}
    for start in range(0, len(ticket_ids), CHUNK):
        chunk = ticket_ids[start : start + CHUNK]
        solves = session.execute(
            select(KpiTicketFacts.ticket_id, Ticket.customer_id, KpiTicketFacts.first_solved_at)
            .join(Ticket, Ticket.id == KpiTicketFacts.ticket_id)
            .where(KpiTicketFacts.ticket_id.in_(chunk))
        ).all()
        later = created_after(session, [(c, s) for _, c, s in solves if s is not None])
        for ticket_id, customer_id, solved in solves:
            found[ticket_id] = None if solved is None else gap(solved, later[customer_id])
    return found


def created_after(
    session: Session, solves: Iterable[tuple[int, dt.datetime]], window: dt.timedelta = WINDOW
) -> dict[int, list[dt.datetime]]:
    """Customer → the sorted creation times of their tickets that could follow one of
    ``solves`` (customer, solved at) within ``window``: created after the earliest solve and
    at most ``window`` after the latest. The report's drill-down and the kept gaps read them
    so."""
    found: dict[int, list[dt.datetime]] = defaultdict(list)
    pairs = list(solves)
    if not pairs:
        return found
    start = min(s for _, s in pairs)
    end = max(s for _, s in pairs) + window
    customers = sorted({c for c, _ in pairs})
    for first in range(0, len(customers), CHUNK):
        rows = session.execute(
            select(Ticket.customer_id, Ticket.created_at).where(
                Ticket.customer_id.in_(customers[first : first + CHUNK]),
                Ticket.created_at > start, Ticket.created_at <= end,
            )
        )  # fmt: skip
        for customer_id, created in rows:
            found[customer_id].append(created)
    for times in found.values():
        times.sort()
    return found


def every_creation(session: Session) -> dict[int | None, list[dt.datetime]]:
    """Customer → the sorted creation times of all their tickets, in one read: a rebuild's
    gaps (``gap`` of each first solve against them, as ``gaps`` computes a few)."""
    found: dict[int | None, list[dt.datetime]] = defaultdict(list)
    for customer_id, created in session.execute(
        select(Ticket.customer_id, Ticket.created_at).execution_options(yield_per=5_000)
    ):
        found[customer_id].append(created)
    for times in found.values():
        times.sort()
    return found


def affected(session: Session, ticket_ids: Collection[int]) -> list[int]:
    """``ticket_ids`` and their customers' tickets first solved in the window before one of
    them was created: the gaps a new (or refreshed) ticket can change (a few more, whose
    recomputed gap stays as it was, when a customer has several of them)."""
    if not ticket_ids:
        return []
    spans: dict[int, tuple[dt.datetime, dt.datetime]] = {}
    for customer_id, created in session.execute(
        select(Ticket.customer_id, Ticket.created_at).where(Ticket.id.in_(list(ticket_ids)))
    ):
        first, last = spans.get(customer_id, (created, created))
        spans[customer_id] = (min(first, created), max(last, created))
    before = set(ticket_ids)
    # One read for all the customers, each one's own span then kept in Python.
    for ticket_id, customer_id, solved in session.execute(
        select(KpiTicketFacts.ticket_id, Ticket.customer_id, KpiTicketFacts.first_solved_at)
        .join(Ticket, Ticket.id == KpiTicketFacts.ticket_id)
        .where(Ticket.customer_id.in_(list(spans)),
               KpiTicketFacts.first_solved_at >= min(f for f, _ in spans.values()) - WINDOW,
               KpiTicketFacts.first_solved_at < max(last for _, last in spans.values()))
    ):  # fmt: skip
        first, last = spans[customer_id]
        if solved is not None and first - WINDOW <= solved < last:
            before.add(ticket_id)
    return sorted(before)


def of_customers(session: Session, customer_ids: Iterable[int]) -> list[int]:
    """Every first-solved ticket of ``customer_ids`` (a merge or unmerge moves them all)."""
    return sorted(session.scalars(
        select(KpiTicketFacts.ticket_id)
        .join(Ticket, Ticket.id == KpiTicketFacts.ticket_id)
        .where(Ticket.customer_id.in_(list(customer_ids)),
               KpiTicketFacts.first_solved_at.is_not(None))
    ))  # fmt: skip


def keep(session: Session, ticket_ids: Sequence[int], counters: bool = True) -> int:
    """Recompute the gaps of ``ticket_ids``, write those that changed and (``counters``: not
    while a rebuild recomputes them after) move kpi_repeat_days by the difference; how many
    changed."""
    table = cast("Table", KpiTicketFacts.__table__)
    # Locked (PostgreSQL) before the gaps are recomputed: two workers moving one gap's
    # counters from the same stored value would move them twice; the second now waits and
    # finds the first one's gap.
    # In chunks: a rebuild passes every solved ticket, past SQLite's 250,000 parameters at 1M.
    ids = sorted(ticket_ids)
    stored: dict[int, Mapping[str, Any]] = {}
    for start in range(0, len(ids), CHUNK):
        for row in session.execute(
            select(table).where(table.c.ticket_id.in_(ids[start : start + CHUNK]))
            .order_by(table.c.ticket_id).with_for_update()
        ).mappings():  # fmt: skip
            stored[row["ticket_id"]] = dict(row)
    changed = [(t, g) for t, g in gaps(session, list(ticket_ids)).items()
               if t in stored and stored[t]["repeat_gap_micros"] != g]  # fmt: skip
    if changed:
        # A Core UPDATE, many rows in one execution (the ORM's would load each row).
        session.execute(
            update(table)
            .where(table.c.ticket_id == bindparam("ticket"))
            .values(repeat_gap_micros=bindparam("gap")),
            [{"ticket": t, "gap": g} for t, g in changed],
        )
        if counters:
            moves: list[Change] = [(stored[t], {**stored[t], "repeat_gap_micros": g})
                                   for t, g in changed]  # fmt: skip
            move(session, moves)
    return len(changed)
