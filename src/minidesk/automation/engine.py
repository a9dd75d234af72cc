"""Evaluating rules: a listener on every event, firing the enabled rules for its kind in
order, each at most once per event, explained and audited by a ``rule.fired`` event.

Loop guard: a rule ignores events that automation caused unless it sets ``allow_automated``,
and a ticket takes at most ``MAX_FIRINGS_PER_HOUR`` firings an hour whatever the rules say.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from minidesk import events
from minidesk.automation.actions import ACTIONS
from minidesk.automation.conditions import CONDITIONS
from minidesk.automation.facts import Facts, gather
from minidesk.automation.models import RuleFiring
from minidesk.automation.ruleset import CachedRule, rules_for
from minidesk.db import utcnow
from minidesk.desk.models import Ticket
from minidesk.event_kinds import EventKind
from minidesk.events import Actor, ActorType, Event, emit

log = logging.getLogger(__name__)

MAX_FIRINGS_PER_HOUR = 20
# Automation's own bookkeeping never triggers rules.
OWN_KINDS = frozenset(
    {EventKind.RULE_FIRED, EventKind.RULE_FAILED, EventKind.RULE_CAPPED, EventKind.LISTENER_FAILED}
)


def rule_actor(rule: CachedRule) -> Actor:
    return Actor(ActorType.AUTOMATION, rule.id, f"rule {rule.id}: {rule.name}")


def evaluate(facts: Facts, conditions: list[dict[str, Any]]) -> tuple[bool, list[dict[str, Any]]]:
    """All conditions must hold; returns the verdict and each condition's result, up to the
    first that failed (what the ``rule.fired`` event and a "why not" answer show)."""
    explained: list[dict[str, Any]] = []
    for item in conditions:
        entry = CONDITIONS[item["type"]]
        try:
            params = entry.params.model_validate(item)
        except ValidationError as exc:
            # Stored before today's checks (a regex RE2 refuses): unknown, so it never
            # matches, and one such rule does not stop the rules after it.
            log.warning("condition %r no longer valid: %s", item, exc)
            explained.append({**item, "result": "unknown"})
            return False, explained
        result = entry.test(facts, params)
        matched = result is not None and result != params.negate
        explained.append({**item, "result": "unknown" if result is None else result})
        if not matched:
            return False, explained
    return True, explained


def _recent_firings(session: Session, ticket_id: int, now: dt.datetime) -> int:
    since = now - dt.timedelta(hours=1)
    query = select(func.count()).where(
        RuleFiring.ticket_id == ticket_id, RuleFiring.fired_at > since
    )
    return session.scalar(query) or 0


def _recently_capped(session: Session, ticket_id: int, now: dt.datetime) -> bool:
    """One ``rule.capped`` an hour per ticket is enough to tell an admin about a loop."""
    query = select(Event.id).where(
        Event.ticket_id == ticket_id,
        Event.kind == EventKind.RULE_CAPPED,
        Event.created_at > now - dt.timedelta(hours=1),
    )
    return session.scalars(query.limit(1)).first() is not None


def _claim(
    session: Session,
    rule: CachedRule,
    ticket: Ticket,
    event: Event | None,
    timer_id: int | None,
    now: dt.datetime,
) -> bool:
    try:
        with session.begin_nested():
            session.add(
                RuleFiring(
                    rule_id=rule.id,
                    event_id=event.id if event else None,
                    timer_id=timer_id,
                    ticket_id=ticket.id,
                    fired_at=now,
                )
            )
            session.flush()
    except IntegrityError:
        return False  # this rule already fired on this event
    return True


def fire(
    session: Session,
    rule: CachedRule,
    ticket: Ticket,
    event: Event | None,
    *,
    now: dt.datetime,
    timer_id: int | None = None,
    facts: Facts | None = None,
) -> bool:
    """Test ``rule`` against the ticket and, if it matches, run its actions; True if it fired.

    ``facts`` may be shared by the rules of one event: it holds the live ticket, so one
    rule's actions are seen by the next rule's conditions either way."""
    if facts is None:
        facts = gather(session, ticket, event, now)
    matched, explained = evaluate(facts, rule.conditions)
    if not matched:
        return False
    actor = rule_actor(rule)
    about: dict[str, Any] = {
        "rule_id": rule.id,
        "rule": rule.name,
        "event_id": event.id if event else None,
        "event": event.kind if event else "time",
        "timer_id": timer_id,
    }
    if _recent_firings(session, ticket.id, now) >= MAX_FIRINGS_PER_HOUR:
        if not _recently_capped(session, ticket.id, now):
            emit(
                session,
                EventKind.RULE_CAPPED,
                actor,
                ticket_id=ticket.id,
                limit=MAX_FIRINGS_PER_HOUR,
                **about,
            )
        return False
    if not _claim(session, rule, ticket, event, timer_id, now):
        return False
    results: list[dict[str, Any]] = []
    try:
        with session.begin_nested():
            for item in rule.actions:
                entry = ACTIONS[item["type"]]
                results.append(
                    {
                        "type": item["type"],
                        **entry.run(facts, actor, entry.params.model_validate(item)),
                    }
                )
    except Exception as exc:
        log.warning("rule %s failed on ticket %s: %r", rule.id, ticket.id, exc)
        emit(
            session,
            EventKind.RULE_FAILED,
            actor,
            ticket_id=ticket.id,
            customer_id=ticket.customer_id,
            error=repr(exc)[:500],
            **about,
        )
        return False
    emit(
        session,
        EventKind.RULE_FIRED,
        actor,
        ticket_id=ticket.id,
        customer_id=ticket.customer_id,
        conditions=explained,
        actions=results,
        **about,
    )
    return True


@events.listen("*", automated=True, transactional=True)
def run_rules(session: Session, event: Event) -> None:
    if event.ticket_id is None or event.kind in OWN_KINDS:
        return
    # Most kinds have no rule: answered from the cached rule set, without a query.
    rules = rules_for(session, event.kind)
    if not rules:
        return
    ticket = session.get_one(Ticket, event.ticket_id)
    now = utcnow()
    facts = None
    for rule in rules:
        if event.automated and not rule.allow_automated:
            continue
        facts = facts or gather(session, ticket, event, now)
        fire(session, rule, ticket, event, now=now, facts=facts)
