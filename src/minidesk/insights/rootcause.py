"""Root causes: which intents drive the work, and which contacts cost the most and why.

Per intent, over tickets created in the range: their share of volume, their handling effort
(person replies, the touches an agent spends; handle time is not tracked yet) and its share,
the reopen and escalation counts, and the trend (volume against the range just before, of the
same length). The costliest contacts are the tickets with the most person replies, with the
facts that explain them."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from minidesk.desk.models import Ticket
from minidesk.insights.cells import NONE_LABEL
from minidesk.insights.kpis import ticket_facts

TOP_CONTACTS = 10


def _created(
    session: Session, since: dt.datetime, until: dt.datetime, teams: Collection[int] | None
) -> dict[int, str]:
    query = select(Ticket.id, Ticket.intent).where(
        Ticket.created_at >= since, Ticket.created_at < until
    )
    if teams is not None:
        query = query.where(Ticket.team_id.in_(list(teams)))
    return {ticket_id: intent or NONE_LABEL for ticket_id, intent in session.execute(query)}


def _volume(
    session: Session, since: dt.datetime, until: dt.datetime, teams: Collection[int] | None
) -> Counter[str]:
    query = select(Ticket.intent, func.count()).where(
        Ticket.created_at >= since, Ticket.created_at < until
    )
    if teams is not None:
        query = query.where(Ticket.team_id.in_(list(teams)))
    return Counter(
        {intent or NONE_LABEL: n for intent, n in session.execute(query.group_by(Ticket.intent))}
    )


def root_causes(
    session: Session, since: dt.datetime, until: dt.datetime, teams: Collection[int] | None
) -> dict[str, Any]:
    intents = _created(session, since, until, teams)
    before = _volume(session, since - (until - since), since, teams)
    volume: Counter[str] = Counter(intents.values())
    touches: Counter[str] = Counter()
    reopened: Counter[str] = Counter()
    escalated: Counter[str] = Counter()
    contacts: list[dict[str, Any]] = []
    for ticket_id, facts in ticket_facts(session, sorted(intents)):
        intent = intents[ticket_id]
        # Replies after a reopen are work too: every person's reply counts.
        touches[intent] += facts.human_replies_total
        reopened[intent] += facts.reopened
        escalated[intent] += facts.escalated
        why = [f"{facts.human_replies_total} replies by agents"]
        if facts.reopened:
            why.append("reopened")
        if facts.escalated:
            why.append("escalated")
        if facts.customer_messages_before_solve > 3:
            why.append(f"{facts.customer_messages_before_solve} customer messages before solved")
        if facts.first_solved_at is None:
            why.append("not solved yet")
        contacts.append({"ticket_number": ticket_id, "intent": intent,
                         "touches": facts.human_replies_total, "why": why})  # fmt: skip
    total, effort = sum(volume.values()), sum(touches.values())
    rows = []
    for intent, n in volume.most_common():
        previous = before.get(intent, 0)
        rows.append(
            {
                "intent": intent,
                "tickets": n,
                "share": round(n / total, 4),
                "touches": touches[intent],
                "touches_per_ticket": round(touches[intent] / n, 2),
                "effort_share": round(touches[intent] / effort, 4) if effort else None,
                "reopened": reopened[intent],
                "escalated": escalated[intent],
                "previous_tickets": previous,
                "trend": round((n - previous) / previous, 4) if previous else None,
            }
        )
    contacts.sort(key=lambda c: (-int(c["touches"]), int(c["ticket_number"])))
    return {"intents": rows, "costliest": contacts[:TOP_CONTACTS]}
