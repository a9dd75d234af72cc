"""When the matrix fires on events: legal or health-and-safety words in a triaged message, a
refund over the line waiting for approval; and the time-based rules' timers, started when a
ticket opens or reopens and dropped when it is solved.

Word and refund rules act at once (POLICIES.md: "immediately"); a word rule fires once per
ticket, a refund rule once per approval request. Timers are timed from ``event.created_at``,
so a listener that runs late still sets the due time the event's moment called for."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from minidesk import events
from minidesk.commerce.money import format_minor
from minidesk.desk import tickets
from minidesk.desk.models import OPEN_STATUSES, Message, Status, Ticket
from minidesk.escalation.incidents import do_open_incident
from minidesk.escalation.models import EscalationRule, EscalationTimer, TargetKind, TriggerKind
from minidesk.escalation.rules import enabled_rules
from minidesk.escalation.service import already_fired, do_escalate
from minidesk.event_kinds import EventKind
from minidesk.events import SYSTEM, Event
from minidesk.sla import clock
from minidesk.sla.timers import calendar
from minidesk.triage.flags import HEALTH_SAFETY, LEGAL, find_flags

DONE = (Status.SOLVED, Status.CLOSED)
_WORD_TRIGGERS = {LEGAL: TriggerKind.LEGAL_WORDS, HEALTH_SAFETY: TriggerKind.HEALTH_SAFETY}


def start_timers(session: Session, ticket: Ticket, since: dt.datetime, *, first: bool) -> None:
    """One timer per enabled time-based rule, replacing any earlier cycle's (a new ticket,
    ``first``, has none to replace). The rows go in with the session's next flush: the
    DELETE that a later event of the batch may run flushes them first."""
    if not first:
        session.execute(delete(EscalationTimer).where(EscalationTimer.ticket_id == ticket.id))
    for rule in enabled_rules(session, TriggerKind.UNRESOLVED):
        seconds = int(rule.trigger["hours"]) * 3600
        hours = calendar(session, None, ticket) if rule.trigger.get("business") else None
        due = clock.add(hours, since, seconds)
        session.add(
            EscalationTimer(ticket_id=ticket.id, rule_id=rule.id, started_at=since, due_at=due)
        )


@events.listen(
    EventKind.TICKET_CREATED, EventKind.TICKET_STATUS_CHANGED, automated=True, transactional=True
)
def follow_status(session: Session, event: Event) -> None:
    if event.ticket_id is None:
        return
    ticket = tickets.for_listener(session, event.ticket_id)
    if ticket is None:
        return
    if event.kind == EventKind.TICKET_CREATED:
        start_timers(session, ticket, ticket.created_at, first=True)
        return
    before, after = event.data.get("before"), event.data.get("after")
    if after in DONE:
        pending = EscalationTimer.fired_at.is_(None)
        session.execute(
            delete(EscalationTimer).where(EscalationTimer.ticket_id == ticket.id, pending)
        )
    elif after in OPEN_STATUSES and before in DONE:
        start_timers(session, ticket, event.created_at, first=False)


def _word_reason(rule: EscalationRule, flag: str, word: str) -> str:
    if flag == LEGAL:
        return f"legal word '{word}' under rule '{rule.name}'"
    return f"health or safety word '{word}' under rule '{rule.name}'"


def fire_rule(
    session: Session, ticket: Ticket, rule: EscalationRule, reason: str, now: dt.datetime
) -> None:
    """Escalate ``ticket`` under ``rule`` (an incident rule opens the incident as well)."""
    target = TargetKind(rule.target)
    do_escalate(
        session,
        ticket,
        SYSTEM,
        tier=max(rule.tier, ticket.tier),
        target=target,
        reason=reason,
        rule=rule,
    )
    if target == TargetKind.INCIDENT:
        do_open_incident(session, ticket, SYSTEM, reason, now)


@events.listen(EventKind.MESSAGE_TRIAGED, automated=True, transactional=True)
def on_triaged(session: Session, event: Event) -> None:
    flags = set(event.data.get("flags") or []) & set(_WORD_TRIGGERS)
    if event.ticket_id is None or not flags:
        return
    ticket = tickets.for_listener(session, event.ticket_id)
    if ticket is None:
        return
    text = ""
    if event.message_id is not None:
        text = session.scalar(select(Message.text).where(Message.id == event.message_id)) or ""
    words = {hit.flag: hit.word for hit in find_flags(text[:5000])}
    for flag in sorted(flags):
        for rule in enabled_rules(session, _WORD_TRIGGERS[flag]):
            if not already_fired(session, ticket.id, rule.id):
                reason = _word_reason(rule, flag, words.get(flag, flag.replace("_", " ")))
                fire_rule(session, ticket, rule, reason, event.created_at)


@events.listen(EventKind.APPROVAL_REQUESTED, automated=True, transactional=True)
def on_approval(session: Session, event: Event) -> None:
    amount = event.data.get("amount")
    if event.ticket_id is None or event.data.get("approval_kind") != "refund" or not amount:
        return
    ticket = tickets.for_listener(session, event.ticket_id)
    if ticket is None:
        return
    minor, currency = int(amount["amount_minor"]), str(amount["currency"])
    for rule in enabled_rules(session, TriggerKind.REFUND_OVER):
        line = int(rule.trigger["amount_minor"])
        if rule.trigger.get("currency") == currency and minor > line:
            reason = (
                f"refund {format_minor(minor, currency)} over the "
                f"{format_minor(line, currency)} approval line"
            )
            fire_rule(session, ticket, rule, reason, event.created_at)
