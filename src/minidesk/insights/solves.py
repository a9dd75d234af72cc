"""Tickets first solved in a range: the base of tag completion and repeat contacts.

The first solve is defined once, by ``insights.facts.fold`` (docs/metrics.md, common ground),
and kept per ticket in the KPI rollup (``kpi_ticket_facts.first_solved_at``, refreshed by its
listener whenever a status change arrives): one indexed range read instead of folding every
open or recently solved ticket's events again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, literal, select
from sqlalchemy.orm import Session

from minidesk.desk.models import Ticket
from minidesk.insights.kpis import Dimension, key_column
from minidesk.insights.rollup_models import KpiTicketFacts


@dataclass(frozen=True)
class FirstSolve:
    ticket_id: int
    customer_id: int
    solved_at: dt.datetime
    key: str | None = None  # the ticket's current agent, team, channel or intent
    fields: dict[str, Any] = field(default_factory=dict)  # its custom fields, when asked for


def solved_between(since: dt.datetime, until: dt.datetime) -> list[ColumnElement[bool]]:
    """Conditions on ``kpi_ticket_facts``: first solved from ``since`` to before ``until``.
    The indexed day narrows; the exact moment decides (a range need not start at 00:00)."""
    last_day = (until - dt.timedelta(microseconds=1)).astimezone(dt.UTC).date()
    return [
        KpiTicketFacts.solved_day >= since.astimezone(dt.UTC).date(),
        KpiTicketFacts.solved_day <= last_day,
        KpiTicketFacts.first_solved_at >= since,
        KpiTicketFacts.first_solved_at < until,
    ]


def first_solves(
    session: Session,
    since: dt.datetime,
    until: dt.datetime,
    teams: Collection[int] | None,
    by: Dimension = Dimension.ALL,
    with_fields: bool = False,
) -> list[FirstSolve]:
    """Tickets (of ``teams``, when given) first solved from ``since`` to before ``until``,
    in ticket order, with their ``by`` key (and custom fields, ``with_fields``)."""
    column = key_column(by)
    query = (
        select(
            KpiTicketFacts.ticket_id,
            Ticket.customer_id,
            KpiTicketFacts.first_solved_at,
            literal(None) if column is None else column,
            Ticket.custom_fields if with_fields else literal(None),
        )
        .join(Ticket, Ticket.id == KpiTicketFacts.ticket_id)
        .where(*solved_between(since, until))
        .order_by(KpiTicketFacts.ticket_id)
    )
    if teams is not None:
        query = query.where(Ticket.team_id.in_(list(teams)))
    return [
        FirstSolve(ticket_id, customer_id, solved, None if key is None else str(key), fields or {})
        for ticket_id, customer_id, solved, key, fields in session.execute(query)
    ]
