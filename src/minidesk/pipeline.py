"""Processing one inbox row: customer → ticket → message → triage → events, in one transaction.

The row is claimed inside the same transaction (see ``inbox.claim``), so processing happens
exactly once however many workers or retries race for it, and a crash part-way leaves the row
pending with nothing half-written.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from minidesk import inbox
from minidesk.channels.base import InboundMessage
from minidesk.db import Database, get_db
from minidesk.desk import customers, tickets
from minidesk.desk.messages import record_inbound
from minidesk.desk.models import Message, Priority, Ticket
from minidesk.events import Actor, ActorType, emit
from minidesk.triage import TriageResult, analyse

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# Two workers creating the same new customer at once collide on the identity's unique key;
# the loser simply runs again and finds the winner's row.
RACE_RETRIES = 3


@dataclass(frozen=True)
class Processed:
    ticket_id: int
    message_id: int
    created_ticket: bool


def process(
    inbox_id: int, db: Database | None = None, message: InboundMessage | None = None
) -> Processed | None:
    """Process one inbox row; None if it was not pending (already done, or parked).

    A caller that just accepted the row passes its ``message`` to save reading it back.
    """
    db = db or get_db()
    if message is None:
        payload = inbox.pending_payload(inbox_id, db)
        if payload is None:
            return None
        message = inbox.from_payload(payload)
    # Reading the text is pure CPU; do it before taking the write lock, not while holding it.
    reading = analyse(message.text, subject=message.subject)
    for attempt in range(RACE_RETRIES):
        try:
            with db.transaction() as session, session.no_autoflush:
                if not inbox.claim(session, inbox_id):
                    return None
                result = _process(session, inbox_id, message, reading)
                inbox.record_outcome(session, inbox_id, result.ticket_id, result.message_id)
                return result
        except (IntegrityError, OperationalError) as exc:
            if attempt + 1 < RACE_RETRIES:
                log.info("inbox %s: retrying after %s", inbox_id, type(exc).__name__)
                continue
            _record_failure(db, inbox_id, exc)
            raise
        except Exception as exc:
            _record_failure(db, inbox_id, exc)
            raise
    return None


def _record_failure(db: Database, inbox_id: int, exc: Exception) -> None:
    log.exception("inbox %s failed", inbox_id)
    with db.transaction() as session:
        inbox.record_failure(session, inbox_id, f"{type(exc).__name__}: {exc}", MAX_ATTEMPTS)


def _process(
    session: Session, inbox_id: int, message: InboundMessage, reading: TriageResult
) -> Processed:
    customer, new_customer = customers.identify(session, message.sender)
    actor = Actor(ActorType.CUSTOMER, customer.id, customer.name)
    if new_customer:
        emit(session, "customer.created", actor, customer_id=customer.id, channel=message.channel)
    customer_ids = customers.merged_ids(session, customer)
    ticket = tickets.find_thread_ticket(session, customer, message, customer_ids)
    follow_up_of: Ticket | None = None
    if ticket is not None:
        continued = tickets.continue_or_follow_up(session, ticket, message, actor)
        if continued is None:
            follow_up_of, ticket = ticket, None
        else:
            ticket = continued
    created = ticket is None
    if ticket is None:
        ticket = tickets.do_create_ticket(session, customer, message, actor, follow_up_of)
    row = record_inbound(
        session,
        ticket,
        customer,
        message,
        inbox_id,
        intent=reading.intent,
        intent_confidence=reading.intent_confidence,
        sentiment=reading.sentiment,
        sentiment_score=reading.sentiment_score,
        language=reading.language,
        entities=reading.entities,
        triage_model=reading.model_version,
    )
    _triage(session, ticket, row, reading, created)
    emit(
        session,
        "message.received",
        actor,
        ticket_id=ticket.id,
        customer_id=customer.id,
        message_id=row.id,
        channel=message.channel,
        new_ticket=created,
    )
    return Processed(ticket.id, row.id, created)


def _triage(
    session: Session, ticket: Ticket, row: Message, result: TriageResult, new_ticket: bool
) -> None:
    """Store what triage concluded on the ticket (the message row already carries it)."""
    # The ticket's intent is what the conversation is about: set by its first message (or
    # an agent's correction), not overwritten by "thanks!" on the third turn.
    if new_ticket or ticket.intent is None:
        ticket.intent, ticket.intent_confidence = result.intent, result.intent_confidence
    ticket.sentiment, ticket.sentiment_score = result.sentiment, result.sentiment_score
    ticket.language = ticket.language or result.language
    system = Actor(ActorType.AUTOMATION, name="triage")
    emit(
        session,
        "message.triaged",
        system,
        ticket_id=ticket.id,
        customer_id=ticket.customer_id,
        message_id=row.id,
        intent=result.intent,
        confidence=round(result.intent_confidence, 4),
        sentiment=result.sentiment,
        sentiment_score=round(result.sentiment_score, 3),
        language=result.language,
        entities=result.entities,
        priority=result.priority,
        reasons=result.priority_reasons,
        flags=sorted(result.flags),
        model=result.model_version,
    )
    # Triage only ever raises urgency; lowering it is a human decision.
    if new_ticket or Priority(result.priority) < Priority(ticket.priority):
        tickets.do_set_priority(
            session, ticket, Priority(result.priority), system, reasons=result.priority_reasons
        )
