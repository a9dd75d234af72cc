"""Tickets first solved in a range: the base of tag completion and repeat contacts.

The first solve is defined once, by ``insights.facts.fold`` (docs/metrics.md, common ground),
and kept per ticket in the KPI rollup (``kpi_ticket_facts.first_solved_at``, refreshed by its
listener whenever a status change arrives): one indexed range read instead of folding every
open or recently solved ticket's events again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.desk.models import Ticket
from minidesk.insights.rollup_models import KpiTicketFacts


@dataclass(frozen=True)
class FirstSolve:
    ticket_id: int
    customer_id: int
    solved_at: dt.datetime


def first_solves(
    session: Session, since: dt.datetime, until: dt.datetime, teams: Collection[int] | None
) -> list[FirstSolve]:
    """Tickets (of ``teams``, when given) whose first solve falls in ``since`` to ``until``,
    in ticket order."""
    last_day = (until - dt.timedelta(microseconds=1)).astimezone(dt.UTC).date()
    query = (
        select(KpiTicketFacts.ticket_id, Ticket.customer_id, KpiTicketFacts.first_solved_at)
        .join(Ticket, Ticket.id == KpiTicketFacts.ticket_id)
        # The indexed day narrows; the exact moment decides (a range need not start at 00:00).
        .where(
            KpiTicketFacts.solved_day >= since.astimezone(dt.UTC).date(),
            KpiTicketFacts.solved_day <= last_day,
        )
        .order_by(KpiTicketFacts.ticket_id)
    )
    if teams is not None:
        query = query.where(Ticket.team_id.in_(list(teams)))
    return [
        FirstSolve(ticket_id, customer_id, solved)
        for ticket_id, customer_id, solved in session.execute(query)
        if solved is not None and since <= solved < until
    ]
