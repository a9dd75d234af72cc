"""The minute sweep's escalation part: time-based rules whose timers are due, and incidents
nobody acknowledged in time.

Each claim is one conditional UPDATE that returns the ids it won (``fired_at IS NULL AND
due_at <= now``; PostgreSQL also skips rows another worker holds), so two workers never fire
one twice, and a worker that was down catches up on its next sweep: every due row is still
unclaimed. Cost grows with the rows that are due, never with open tickets.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, Select, select, update
from sqlalchemy.orm import Session

from minidesk.db import get_db
from minidesk.desk import tickets
from minidesk.desk.models import OPEN_STATUSES
from minidesk.escalation.listeners import fire_rule
from minidesk.escalation.models import EscalationRule, EscalationTimer, Incident, TargetKind
from minidesk.escalation.service import do_escalate
from minidesk.events import SYSTEM

BATCH = 500
# Where an unacknowledged incident goes: the top tier, a senior manager.
INCIDENT_TIER = 3


def _locked(session: Session, ids: Select[Any]) -> Select[Any]:
    if session.get_bind().dialect.name == "postgresql":
        return ids.with_for_update(skip_locked=True)
    return ids


def claim_timers(session: Session, now: dt.datetime) -> list[int]:
    pending: ColumnElement[bool] = EscalationTimer.fired_at.is_(None) & (
        EscalationTimer.due_at <= now
    )
    ids = select(EscalationTimer.id).where(pending).order_by(EscalationTimer.due_at)
    claimed = session.scalars(
        update(EscalationTimer)
        .where(
            EscalationTimer.id.in_(_locked(session, ids.limit(BATCH)).scalar_subquery()), pending
        )
        .values(fired_at=now)
        .returning(EscalationTimer.id),
        execution_options={"synchronize_session": False},
    )
    return list(claimed)


def claim_incidents(session: Session, now: dt.datetime) -> list[int]:
    pending: ColumnElement[bool] = (
        Incident.acknowledged_at.is_(None)
        & Incident.escalated_at.is_(None)
        & (Incident.due_at <= now)
    )
    ids = select(Incident.id).where(pending).order_by(Incident.due_at)
    claimed = session.scalars(
        update(Incident)
        .where(Incident.id.in_(_locked(session, ids.limit(BATCH)).scalar_subquery()), pending)
        .values(escalated_at=now)
        .returning(Incident.id),
        execution_options={"synchronize_session": False},
    )
    return list(claimed)


def _fire_timers(session: Session, timer_ids: list[int], now: dt.datetime) -> int:
    fired = 0
    rows = session.execute(
        select(EscalationTimer.ticket_id, EscalationRule)
        .join(EscalationRule, EscalationRule.id == EscalationTimer.rule_id)
        .where(EscalationTimer.id.in_(timer_ids))
        .order_by(EscalationTimer.id)
    )
    for ticket_id, rule in rows:
        ticket = tickets.for_listener(session, ticket_id)
        # A rule disabled since the timer started, or a ticket solved in the same minute.
        if ticket is None or not rule.enabled or ticket.status not in OPEN_STATUSES:
            continue
        hours, kind = rule.trigger["hours"], "business" if rule.trigger.get("business") else ""
        reason = f"unresolved {hours} {kind + ' ' if kind else ''}h under rule '{rule.name}'"
        fire_rule(session, ticket, rule, reason, now)
        fired += 1
    return fired


def _fire_incidents(session: Session, incident_ids: list[int]) -> int:
    fired = 0
    for incident in session.scalars(select(Incident).where(Incident.id.in_(incident_ids))):
        ticket = tickets.for_listener(session, incident.ticket_id)
        if ticket is None:
            continue
        hours = round((incident.due_at - incident.opened_at).total_seconds() / 3600)
        reason = f"incident not acknowledged by operations or compliance within {hours} h"
        tier = max(INCIDENT_TIER, ticket.tier)
        do_escalate(
            session,
            ticket,
            SYSTEM,
            tier=tier,
            target=TargetKind.SENIOR_MANAGER,
            reason=reason,
            rule=None,
            note="",
        )
        fired += 1
    return fired


def sweep(session: Session, now: dt.datetime) -> tuple[int, int]:
    """Claim and fire one batch; returns (claimed, escalations made)."""
    timers, incidents = claim_timers(session, now), claim_incidents(session, now)
    fired = _fire_timers(session, timers, now) if timers else 0
    fired += _fire_incidents(session, incidents) if incidents else 0
    return max(len(timers), len(incidents)), fired


def fire_due(now: dt.datetime) -> int:
    """The sweeper (``periodic.Sweeper``): every due escalation, batch by batch; returns how
    many escalations it made."""
    database = get_db()
    total = 0
    while True:
        with database.transaction() as session:
            claimed, fired = sweep(session, now)
        total += fired
        if claimed < BATCH:
            return total
