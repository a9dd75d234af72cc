"""Routing consults the certification gates (a ``features.Feature.routing_checks`` entry, so
routing never imports insights): an escalated ticket goes only to agents certified for
escalations, when a manager has defined that gate (``PUT /api/v1/qa/gates/escalations``).

A ticket is escalated when its tier is above the tier the bot's hand-off gave it (or 1): the
same raises the escalation rate counts (docs/metrics.md), so lowering the tier again, or the
hand-off itself, asks for no certification."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.desk.models import Ticket
from minidesk.event_kinds import EventKind
from minidesk.events import Event
from minidesk.insights.facts import HAND_OFF_WHY
from minidesk.insights.gates import certify_many
from minidesk.insights.qa_models import QaGate

ESCALATIONS = "escalations"
NEED = f"certified for {ESCALATIONS}"


def escalated(session: Session, ticket: Ticket) -> bool:
    if ticket.tier <= 1:
        return False
    base = 1
    changes = session.execute(
        select(Event.data)
        .where(Event.ticket_id == ticket.id, Event.kind == EventKind.TICKET_TIER_CHANGED)
        .order_by(Event.id)
    )
    for (data,) in changes:
        if data.get("why") == HAND_OFF_WHY:
            base = int(data["after"])
    return ticket.tier > base


def certified_for_escalations(
    session: Session, ticket: Ticket, agent_ids: Sequence[int], now: dt.datetime
) -> tuple[str, dict[int, str]] | None:
    """What an escalated ticket needs, and why each uncertified candidate lacks it; None for
    a ticket that is not escalated, or while no escalations gate is defined."""
    if not agent_ids or not escalated(session, ticket):
        return None
    gate = session.scalars(select(QaGate).where(QaGate.skill == ESCALATIONS)).first()
    if gate is None:
        return None
    lacking = {
        agent: f"not {NEED} ({found.why})"
        for agent, found in certify_many(session, agent_ids, gate, now).items()
        if not found.certified
    }
    return NEED, lacking
