"""The minute sweep's SLA part: warn about targets close to breach, and record breaches.

Each claim is one conditional UPDATE (``... WHERE breached_at IS NULL AND due_at <= now``)
that returns the ids it won, so two workers sweeping at once never fire one breach twice;
PostgreSQL also skips rows another worker has locked instead of waiting for them. A worker
that was down catches up on its next sweep: every timer past due is still unclaimed. Cost
grows with the rows that are due (an index on each due column), never with open tickets.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from minidesk.db import get_db
from minidesk.desk.models import Ticket
from minidesk.event_kinds import EventKind
from minidesk.events import SYSTEM, Pending, emit_many
from minidesk.sla.models import SlaPolicy, SlaTimer

# Timers claimed per transaction; a larger backlog is taken in several of one sweep.
BATCH = 2000


def _claim(
    session: Session,
    mark: InstrumentedAttribute[dt.datetime | None],
    due: InstrumentedAttribute[dt.datetime | None],
    now: dt.datetime,
) -> list[int]:
    pending: ColumnElement[bool] = mark.is_(None) & (due <= now)
    ids = select(SlaTimer.id).where(pending).order_by(due).limit(BATCH)
    if session.get_bind().dialect.name == "postgresql":
        ids = ids.with_for_update(skip_locked=True)
    # The outer WHERE repeats the condition: the UPDATE decides, whatever the sub-select saw.
    claimed = session.scalars(
        update(SlaTimer)
        .where(SlaTimer.id.in_(ids.scalar_subquery()), pending)
        .values({mark: now})
        .returning(SlaTimer.id),
        execution_options={"synchronize_session": False},
    )
    return list(claimed)


def _payloads(session: Session, timer_ids: list[int]) -> list[tuple[int, int, dict[str, Any]]]:
    """(ticket, customer, event data) of each claimed timer, in one query (columns, not
    objects: a thousand breaches at once should not fill the session's identity map)."""
    if not timer_ids:
        return []
    rows = session.execute(
        select(
            SlaTimer.ticket_id,
            SlaTimer.metric,
            SlaTimer.policy_id,
            SlaTimer.due_at,
            SlaTimer.target_seconds,
            SlaTimer.business,
            Ticket.customer_id,
            SlaPolicy.name,
        )
        .join(Ticket, Ticket.id == SlaTimer.ticket_id)
        .outerjoin(SlaPolicy, SlaPolicy.id == SlaTimer.policy_id)
        .where(SlaTimer.id.in_(timer_ids))
        .order_by(SlaTimer.id)
    )
    return [
        (
            row.ticket_id,
            row.customer_id,
            {
                "metric": row.metric,
                "policy_id": row.policy_id,
                "policy": row.name,
                "due_at": row.due_at.isoformat() if row.due_at else "",
                "target_seconds": row.target_seconds,
                "business": row.business,
            },
        )
        for row in rows
    ]


def _batch(session: Session, timer_ids: list[int]) -> list[Pending]:
    return [
        Pending(data, ticket_id=ticket_id, customer_id=customer_id)
        for ticket_id, customer_id, data in _payloads(session, timer_ids)
    ]


def sweep(session: Session, now: dt.datetime) -> tuple[int, int]:
    """Claim and announce one batch of warnings and breaches; returns (claimed, announced)."""
    warned = _claim(session, SlaTimer.warned_at, SlaTimer.warn_at, now)
    breached = _claim(session, SlaTimer.breached_at, SlaTimer.due_at, now)
    # A breach that comes with its warning in one sweep (the worker was down) is one notice.
    warnings = sorted(set(warned) - set(breached))
    # One INSERT per kind, not one ORM flush per event: a busy tick announces a thousand.
    emit_many(session, EventKind.SLA_WARNING, SYSTEM, _batch(session, warnings))
    emit_many(session, EventKind.SLA_BREACHED, SYSTEM, _batch(session, breached))
    return max(len(warned), len(breached)), len(warnings) + len(breached)


def fire_due(now: dt.datetime) -> int:
    """The sweeper (``periodic.Sweeper``): every due warning and breach, batch by batch;
    returns how many events it emitted."""
    database = get_db()
    total = 0
    while True:
        with database.transaction() as session:
            claimed, announced = sweep(session, now)
        total += announced
        if claimed < BATCH:
            return total
