"""Routing consults the certification gates (a ``features.Feature.routing_checks`` entry, so
routing never imports insights): a ticket goes only to agents certified for every gated skill
it needs. Routing says which skills a ticket needs in its own words (``routing.skills``:
``channel.<kind>``, ``language.<code>``, ``line.<product line>``, ``urgent``); insights adds
``escalations`` for an escalated ticket. Only gates a manager has defined count.

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
from minidesk.insights.gate_names import ESCALATIONS
from minidesk.insights.gates import certify_gates
from minidesk.insights.qa_models import QaGate


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


def certified_for_gates(
    session: Session,
    ticket: Ticket,
    skills: Sequence[str],
    agent_ids: Sequence[int],
    now: dt.datetime,
) -> tuple[str, dict[int, str]] | None:
    """What ``ticket`` needs (``certified for escalations and channel.whatsapp``) and why
    each candidate lacking one of those certifications may not take it; None when no gate
    covers anything it needs."""
    if not agent_ids:
        return None
    wanted = set(skills) | ({ESCALATIONS} if ticket.tier > 1 else set())
    gates = list(session.scalars(select(QaGate).where(QaGate.skill.in_(wanted))))
    if any(g.skill == ESCALATIONS for g in gates) and not escalated(session, ticket):
        gates = [g for g in gates if g.skill != ESCALATIONS]
    if not gates:
        return None
    # Escalations first, then in the order routing named the skills: the reason reads the
    # same way for every ticket.
    order = [ESCALATIONS, *skills]
    gates.sort(key=lambda g: order.index(g.skill))
    found = certify_gates(session, agent_ids, gates, now)
    lacking: dict[int, str] = {}
    for agent in agent_ids:
        missing = [f"{g.skill} ({found[g.skill][agent].why})" for g in gates
                   if not found[g.skill][agent].certified]  # fmt: skip
        if missing:
            lacking[agent] = f"not certified for {' nor for '.join(missing)}"
    return f"certified for {' and '.join(g.skill for g in gates)}", lacking
