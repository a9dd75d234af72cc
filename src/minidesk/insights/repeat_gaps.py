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
from collections.abc import Collection, Iterable, Sequence
from typing import cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from minidesk.desk.models import Ticket
from minidesk.insights.cells import micros
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
        later = _created(session, [(c, s) for _, c, s in solves if s is not None])
        for ticket_id, customer_id, solved in solves:
            found[ticket_id] = None if solved is None else gap(solved, later[customer_id])
    return found


def _created(
    session: Session, solves: list[tuple[int, dt.datetime]]
) -> dict[int, list[dt.datetime]]:
    """Customer → the sorted creation times of their tickets that could follow one of
    ``solves`` within the window."""
    found: dict[int, list[dt.datetime]] = defaultdict(list)
    if not solves:
        return found
    start = min(s for _, s in solves)
    end = max(s for _, s in solves) + WINDOW
    rows = session.execute(
        select(Ticket.customer_id, Ticket.created_at).where(
            Ticket.customer_id.in_(sorted({c for c, _ in solves})),
            Ticket.created_at > start, Ticket.created_at <= end,
        )
    )  # fmt: skip
    for customer_id, created in rows:
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


def keep(session: Session, ticket_ids: Sequence[int]) -> int:
    """Recompute the gaps of ``ticket_ids`` and write those that changed; how many did."""
    stored = dict(session.execute(
        select(KpiTicketFacts.ticket_id, KpiTicketFacts.repeat_gap_micros)
        .where(KpiTicketFacts.ticket_id.in_(list(ticket_ids)))
    ).all()) if ticket_ids else {}  # fmt: skip
    changed = [{"ticket": t, "gap": g} for t, g in gaps(session, list(ticket_ids)).items()
               if t in stored and stored[t] != g]  # fmt: skip
    if changed:
        # A Core UPDATE, many rows in one execution (the ORM's would load each row).
        table = cast("Table", KpiTicketFacts.__table__)
        session.execute(
            update(table)
            .where(table.c.ticket_id == bindparam("ticket"))
            .values(repeat_gap_micros=bindparam("gap")),
            changed,
        )
    return len(changed)
