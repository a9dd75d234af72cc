"""A rule tried against recent tickets without doing anything: which would match, each
condition's result, and the actions that would run. Nothing is written (no firing is
claimed, no action runs), so it is safe on a live desk and on a rule not yet saved."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from minidesk.automation.engine import evaluate
from minidesk.automation.facts import gather
from minidesk.automation.models import TIME_EVENT
from minidesk.automation.rules import RuleSpec
from minidesk.db import utcnow
from minidesk.desk.models import Ticket

RECENT = 50  # tickets tried, newest first: enough to see a rule's reach, quick to answer
MAX_RECENT = 500


@dataclass(frozen=True)
class Trial:
    ticket: Ticket
    matched: bool
    # Each condition tested, with its result, up to the first that failed (as rule.fired).
    conditions: list[dict[str, Any]]
    why_not: str = ""


def dry_run(
    session: Session, spec: RuleSpec, *, recent: int = RECENT, now: dt.datetime | None = None
) -> list[Trial]:
    """``spec`` (already checked: ``rules.check_rule``) tried on the ``recent`` newest
    tickets. An event rule is judged as if its event happened now, on the ticket's latest
    customer message; a time rule also needs the ticket to be in its status."""
    now = now or utcnow()
    tickets = session.scalars(
        select(Ticket)
        .options(joinedload(Ticket.customer))
        .order_by(Ticket.id.desc())
        .limit(max(1, min(recent, MAX_RECENT)))
    ).all()
    trials = []
    for ticket in tickets:
        if spec.event == TIME_EVENT and ticket.status != spec.status:
            trials.append(Trial(ticket, False, [], f"status is {ticket.status}, not {spec.status}"))
            continue
        matched, explained = evaluate(gather(session, ticket, None, now), spec.conditions)
        trials.append(Trial(ticket, matched, explained))
    return trials


def describe_action(action: dict[str, Any]) -> str:
    """``{"type": "add_tags", "tags": ["vip"]}`` → ``add_tags: tags=vip``."""
    params = ", ".join(
        f"{key}={','.join(map(str, value)) if isinstance(value, list) else value}"
        for key, value in action.items()
        if key != "type"
    )
    return f"{action.get('type')}: {params}" if params else str(action.get("type"))
