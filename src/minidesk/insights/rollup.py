"""KPI rollups: ``kpi_ticket_facts`` kept current by a listener on the events that change a
ticket's facts, and the KPI report summed from it per day (``fast_kpis``).

The listener re-folds the ticket's own events (one indexed read of a few rows), so the row
always equals a full recomputation (``rebuild``); ``tests/insights/test_rollups.py`` checks
both that and that ``fast_kpis`` equals ``kpis.kpis``."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Integer, cast, delete, func, select
from sqlalchemy.orm import Session

from minidesk import events
from minidesk.desk.models import Ticket
from minidesk.event_kinds import EventKind
from minidesk.events import Event
from minidesk.insights.facts import TicketFacts
from minidesk.insights.kpis import (
    FACT_KINDS,
    MAX_TURNS,
    NONE_LABEL,
    Cell,
    Dimension,
    KpiRow,
    Period,
    count_answers,
    key_column,
    labels_of,
    period_start,
    ticket_facts,
)
from minidesk.insights.rollup_models import KpiTicketFacts


def facts_row(ticket_id: int, facts: TicketFacts) -> dict[str, Any]:
    created, solved = facts.created_at, facts.first_solved_at
    first_reply = facts.first_human_reply_at
    return {
        "ticket_id": ticket_id,
        "created_day": created.astimezone(dt.UTC).date() if created else None,
        "solved_day": solved.astimezone(dt.UTC).date() if solved else None,
        "created_at": created,
        "first_solved_at": solved,
        "first_response_seconds": (first_reply - created).total_seconds()
        if created and first_reply
        else None,
        "resolution_seconds": (solved - created).total_seconds() if created and solved else None,
        "first_contact": solved is not None
        and facts.human_replies_before_solve <= 1
        and not facts.reopened,
        "reopened": solved is not None and facts.reopened,
        "contained": facts.contained,
        "within_turns": solved is not None and facts.customer_messages_before_solve <= MAX_TURNS,
        "escalated": facts.escalated,
    }


def refresh(session: Session, ticket_ids: Sequence[int]) -> int:
    """Recompute the rows of ``ticket_ids`` from their events; returns how many were written."""
    written = 0
    for ticket_id, facts in ticket_facts(session, ticket_ids):
        row = facts_row(ticket_id, facts)
        existing = session.get(KpiTicketFacts, ticket_id)
        if existing is None:
            session.add(KpiTicketFacts(**row))
        else:
            for name, value in row.items():
                setattr(existing, name, value)
        written += 1
    return written


def rebuild(session: Session) -> int:
    """The full recomputation: every ticket's row from its events."""
    session.execute(delete(KpiTicketFacts))
    ids = list(session.scalars(select(Ticket.id).order_by(Ticket.id)))
    return refresh(session, ids)


_AWAITED = "minidesk.insights.rollup.awaited"
# The kinds the listener hears (a test holds them equal to the kinds the facts read).
_FACT_KINDS = frozenset(str(kind) for kind in FACT_KINDS)


@events.listen(
    EventKind.TICKET_CREATED,
    EventKind.MESSAGE_SENT,
    EventKind.MESSAGE_RECEIVED,
    EventKind.TICKET_STATUS_CHANGED,
    EventKind.TICKET_TIER_CHANGED,
    automated=True,
    transactional=True,
)
def keep_current(session: Session, event: Event) -> None:
    """Every kind of ``kpis.FACT_KINDS`` (a test holds the two lists equal).

    A dispatch batch often holds several of a ticket's events (created, received, status):
    the row is refolded once, at the last of them, since it is a function of the ticket's
    events alone and nothing reads it in between."""
    if event.ticket_id is not None and not _more_to_come(session, event):
        refresh(session, [event.ticket_id])


def _more_to_come(session: Session, event: Event) -> bool:
    """Whether the batch being dispatched still holds another of this ticket's events that
    this listener will hear (in whatever order the batch runs)."""
    batch = events.batch(session)
    held: tuple[list[Event], dict[int, set[int]]] | None = session.info.get(_AWAITED)
    if held is None or held[0] is not batch:
        awaited: dict[int, set[int]] = defaultdict(set)
        for e in batch:
            if e.ticket_id is not None and e.kind in _FACT_KINDS:
                awaited[e.ticket_id].add(e.id)
        held = (batch, awaited)
        session.info[_AWAITED] = held
    waiting = held[1].get(event.ticket_id or 0)
    if waiting is None:
        return False
    waiting.discard(event.id)
    return bool(waiting)


def _sum(column: Any) -> Any:
    return func.coalesce(func.sum(cast(column, Integer)), 0)


def fast_kpis(
    session: Session,
    since: dt.datetime,
    until: dt.datetime,
    period: Period,
    by: Dimension,
    teams: Collection[int] | None = None,
) -> list[KpiRow]:
    """``kpis.kpis`` from the rollup: two grouped queries (by creation day, by first-solve
    day) and the survey answers; rows without drill-down members."""
    cells: dict[tuple[dt.date, str | None], Cell] = defaultdict(Cell)
    key = key_column(by)
    first, last = since.date(), (until - dt.timedelta(microseconds=1)).date()
    grouped: list[Any] = [key] if key is not None else []

    def query(day: Any, *columns: Any) -> Any:
        q = (
            select(day, *grouped, *columns)
            .join(Ticket, Ticket.id == KpiTicketFacts.ticket_id)
            .where(day >= first, day <= last)
            .group_by(day, *grouped)
        )
        return q.where(Ticket.team_id.in_(list(teams))) if teams is not None else q

    created = query(
        KpiTicketFacts.created_day,
        func.count(),
        _sum(KpiTicketFacts.escalated),
        func.sum(KpiTicketFacts.first_response_seconds),
        func.count(KpiTicketFacts.first_response_seconds),
    )
    for day, *rest in session.execute(created):
        row_key = _key(rest.pop(0) if key is not None else None)
        count, escalated, response_sum, responded = rest
        c = cells[(period_start_day(day, period), row_key)]
        c.created += count
        c.escalated += int(escalated)
        c.first_response_sum += float(response_sum or 0)
        c.first_response_count += responded
    solved = query(
        KpiTicketFacts.solved_day,
        func.count(),
        func.sum(KpiTicketFacts.resolution_seconds),
        func.count(KpiTicketFacts.resolution_seconds),
        _sum(KpiTicketFacts.first_contact),
        _sum(KpiTicketFacts.reopened),
        _sum(KpiTicketFacts.contained),
        _sum(KpiTicketFacts.within_turns),
    )
    for day, *rest in session.execute(solved):
        row_key = _key(rest.pop(0) if key is not None else None)
        count, resolution_sum, resolved, fcr, reopened, contained, within = rest
        c = cells[(period_start_day(day, period), row_key)]
        c.solved += count
        c.resolution_sum += float(resolution_sum or 0)
        c.resolution_count += resolved
        c.fcr += int(fcr)
        c.reopened += int(reopened)
        c.contained += int(contained)
        c.within_turns += int(within)

    def cell(moment: dt.datetime, row_key: str | None) -> Cell | None:
        return cells[(period_start(moment, period), row_key)] if since <= moment < until else None

    count_answers(session, since, until, by, teams, cell)
    labels = labels_of(session, by, {k for _, k in cells})
    return [
        KpiRow(day, k, labels.get(k, k or NONE_LABEL), cells[(day, k)].values())
        for day, k in sorted(cells, key=lambda item: (item[0], item[1] or ""))
    ]


def _key(value: Any) -> str | None:
    return None if value is None else str(value)


def period_start_day(day: dt.date, period: Period) -> dt.date:
    return period_start(dt.datetime.combine(day, dt.time(), dt.UTC), period)
