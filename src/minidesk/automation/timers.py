"""Time-based rules ("pending for 72 h → remind"): a timer row per ticket and rule, set when
the ticket enters the rule's status, dropped when it leaves, claimed by the sweeper when due
with a conditional UPDATE (so any number of workers can sweep)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from minidesk import events
from minidesk.automation.engine import fire
from minidesk.automation.models import TIME_EVENT, AutomationTimer, Rule
from minidesk.automation.rules import parse_duration
from minidesk.automation.ruleset import CachedRule, rules_for
from minidesk.db import get_db
from minidesk.desk.models import Status, Ticket
from minidesk.event_kinds import EventKind
from minidesk.events import Event

BATCH = 200


@events.listen(
    EventKind.TICKET_CREATED, EventKind.TICKET_STATUS_CHANGED, automated=True, transactional=True
)
def schedule(session: Session, event: Event) -> None:
    """Whoever changed the status (a rule too), the clocks follow it."""
    if event.ticket_id is None:
        return
    status = Status.NEW if event.kind == EventKind.TICKET_CREATED else event.data.get("after")
    rules = rules_for(session, TIME_EVENT)
    if not rules:
        return
    # One statement for all the clocks that stop and one read for those that (re)start,
    # whatever the number of time rules: this runs on every new ticket and status change.
    due = {
        r.id: parse_duration(r.after) for r in rules if r.status == status and r.after is not None
    }
    stopped = [r.id for r in rules if r.id not in due]
    if stopped:
        session.execute(
            delete(AutomationTimer).where(
                AutomationTimer.ticket_id == event.ticket_id, AutomationTimer.rule_id.in_(stopped)
            )
        )
    if due:
        timers = {
            timer.rule_id: timer
            for timer in session.scalars(
                select(AutomationTimer).where(
                    AutomationTimer.ticket_id == event.ticket_id,
                    AutomationTimer.rule_id.in_(list(due)),
                )
            )
        }
        for rule_id, after in due.items():
            due_at = event.created_at + after
            timer = timers.get(rule_id)
            if timer is None:
                session.add(
                    AutomationTimer(ticket_id=event.ticket_id, rule_id=rule_id, due_at=due_at)
                )
            else:
                timer.due_at, timer.fired_at = due_at, None
    session.flush()


def due_ids(session: Session, now: dt.datetime) -> list[int]:
    query = (
        select(AutomationTimer.id)
        .where(AutomationTimer.fired_at.is_(None), AutomationTimer.due_at <= now)
        .order_by(AutomationTimer.due_at)
        .limit(BATCH)
    )
    return list(session.scalars(query))


def fire_due_timers(now: dt.datetime) -> int:
    """Fire every due timer whose ticket is still in the rule's status; returns how many fired."""
    database = get_db()
    with database.sessions() as session:
        ids = due_ids(session, now)
    fired = 0
    for timer_id in ids:
        with database.transaction() as session:
            # PostgreSQL: a timer another worker is firing is skipped, not waited for (SQLite
            # has one writer and ignores the clause); the conditional UPDATE still decides.
            free = session.scalar(
                select(AutomationTimer.id)
                .where(AutomationTimer.id == timer_id, AutomationTimer.fired_at.is_(None))
                .with_for_update(skip_locked=True)
            )
            if free is None:
                continue
            won = session.execute(
                update(AutomationTimer)
                .where(
                    AutomationTimer.id == timer_id,
                    AutomationTimer.fired_at.is_(None),
                    AutomationTimer.due_at <= now,
                )
                .values(fired_at=now)
            )
            if won.rowcount != 1:  # type: ignore[attr-defined]
                continue  # another worker has it
            timer = session.get_one(AutomationTimer, timer_id)
            rule = session.get(Rule, timer.rule_id)
            ticket = session.get_one(Ticket, timer.ticket_id)
            if rule is None or not rule.enabled or ticket.status != rule.status:
                continue
            fired += fire(session, CachedRule.of(rule), ticket, None, now=now, timer_id=timer_id)
    return fired
