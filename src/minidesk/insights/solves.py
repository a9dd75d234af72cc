"""Tickets first solved in a range: the base of tag completion and repeat contacts. The first
solve is defined once, by ``insights.facts.fold`` (docs/metrics.md, common ground); only the
status changes are folded, because nothing else moves it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from minidesk.desk.models import Ticket
from minidesk.event_kinds import EventKind
from minidesk.events import Event
from minidesk.insights.facts import EventRow, fold
from minidesk.insights.ops_rows import chunks


@dataclass(frozen=True)
class FirstSolve:
    ticket_id: int
    customer_id: int
    solved_at: dt.datetime


def first_solves(
    session: Session, since: dt.datetime, until: dt.datetime, teams: Collection[int] | None
) -> list[FirstSolve]:
    """Tickets (of ``teams``, when given) whose first solve falls in ``since`` to ``until``, in
    ticket order."""
    # ``solved_at`` is the latest solve, never before the first: a ticket solved last before
    # the range cannot have been solved first within it.
    query = select(Ticket.id, Ticket.customer_id).where(
        Ticket.created_at < until, or_(Ticket.solved_at.is_(None), Ticket.solved_at >= since)
    )
    if teams is not None:
        query = query.where(Ticket.team_id.in_(list(teams)))
    customers: dict[int, int] = {i: c for i, c in session.execute(query)}
    found = []
    for chunk in chunks(sorted(customers)):
        events: dict[int, list[EventRow]] = defaultdict(list)
        rows = session.execute(
            select(Event.ticket_id, Event.kind, Event.created_at, Event.actor_type,
                   Event.automated, Event.data)
            .where(Event.ticket_id.in_(chunk), Event.kind == EventKind.TICKET_STATUS_CHANGED)
            .order_by(Event.ticket_id, Event.id)
        )  # fmt: skip
        for ticket_id, kind, created_at, actor_type, automated, data in rows:
            events[ticket_id].append(EventRow(kind, created_at, actor_type, automated, data))
        for ticket_id in chunk:
            solved = fold(events.get(ticket_id, ())).first_solved_at
            if solved is not None and since <= solved < until:
                found.append(FirstSolve(ticket_id, customers[ticket_id], solved))
    return found
