"""The root-cause report recomputed from the event log (``insights.rootcause`` reads it from
the rollups): every ticket created in and just before the range folded again. The reference a
test compares the rollup report with; too slow for a dashboard over a large desk."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.desk.models import Ticket
from minidesk.insights.cells import NONE_LABEL
from minidesk.insights.kpis import ticket_facts
from minidesk.insights.rootcause import IntentFigures, costliest_order, report, why

# A ticket row and its ``ticket.created`` event are written in one transaction: their times
# differ by far less than this margin, which only widens the candidates folded.
MARGIN = dt.timedelta(days=1)


def root_causes_recomputed(
    session: Session, since: dt.datetime, until: dt.datetime, teams: Collection[int] | None
) -> dict[str, Any]:
    start = since - (until - since)
    query = select(Ticket.id, Ticket.intent).where(
        Ticket.created_at >= start - MARGIN, Ticket.created_at < until + MARGIN
    )
    if teams is not None:
        query = query.where(Ticket.team_id.in_(list(teams)))
    intents = {ticket_id: intent or NONE_LABEL for ticket_id, intent in session.execute(query)}
    figures = IntentFigures(Counter(), Counter(), Counter(), Counter(), Counter())
    contacts: list[tuple[tuple[int, int, int], dict[str, Any]]] = []
    for ticket_id, facts in ticket_facts(session, sorted(intents)):
        created, intent = facts.created_at, intents[ticket_id]
        if created is None or not start <= created < until:
            continue
        if created < since:
            figures.previous[intent] += 1
            continue
        figures.tickets[intent] += 1
        # Replies after a reopen are work too: every person's reply counts.
        figures.touches[intent] += facts.human_replies_total
        figures.reopened[intent] += facts.reopened
        figures.escalated[intent] += facts.escalated
        solved = facts.first_solved_at is not None
        reasons = why(facts.human_replies_total, facts.reopened, facts.escalated,
                      facts.customer_messages_before_solve, solved)  # fmt: skip
        order = costliest_order(facts.human_replies_total, created.astimezone(dt.UTC).date(),
                                ticket_id)
        contact = {"ticket_number": ticket_id, "intent": intent,
                   "touches": facts.human_replies_total, "why": reasons}  # fmt: skip
        contacts.append((order, contact))
    return report(figures, [contact for _, contact in sorted(contacts, key=lambda c: c[0])])
