"""Agents' intent corrections become labelled examples, and enough of them schedule a retrain.

The example is the ticket's first inbound message (subject and body, as triage read it),
labelled with the agent's intent; a ticket keeps one example, updated when it is corrected
again. Correcting to ``unknown`` teaches an out-of-scope example.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from minidesk import events
from minidesk.db import upsert_insert, utcnow
from minidesk.desk.models import Direction, Message, Ticket
from minidesk.event_kinds import EventKind
from minidesk.events import Event
from minidesk.settings import get_settings
from minidesk.triage.data import OOS_LABEL
from minidesk.triage.result import UNKNOWN_INTENT
from minidesk.triage.tables import RETRAIN_ROW, ExampleSource, IntentExample, IntentRetrain


def example_text(message: Message) -> str:
    """What triage read for ``message``: the string ``analyse()`` builds from subject and body
    (the ticket's subject is no substitute: without one it is the body's first line)."""
    subject = str((message.meta or {}).get("subject") or "")
    return f"{subject}\n{message.text}" if subject else message.text


def first_inbound(session: Session, ticket_id: int) -> Message | None:
    return session.scalars(
        select(Message)
        .where(Message.ticket_id == ticket_id, Message.direction == Direction.INBOUND)
        .order_by(Message.id)
        .limit(1)
    ).first()


@events.listen(EventKind.TICKET_INTENT_CORRECTED, transactional=True)
def record_correction(session: Session, event: Event) -> None:
    """Store (or update) the ticket's labelled example; schedule a retrain when due."""
    if event.ticket_id is None or not event.data.get("after"):
        return
    ticket = session.get(Ticket, event.ticket_id)
    message = first_inbound(session, event.ticket_id)
    if ticket is None or message is None:
        return  # a ticket opened by an agent has no customer words to learn from
    label = str(event.data["after"])
    label = OOS_LABEL if label == UNKNOWN_INTENT else label
    now = utcnow()
    values = {
        "ticket_id": ticket.id,
        "message_id": message.id,
        "text": example_text(message),
        "label": label,
        "source": ExampleSource.AGENT,
        "created_at": now,
        "updated_at": now,
    }
    insert = upsert_insert(session, IntentExample).values(**values)
    session.execute(
        insert.on_conflict_do_update(
            index_elements=[IntentExample.ticket_id],
            set_={
                "label": label,
                "message_id": message.id,
                "text": values["text"],
                "updated_at": now,
            },
        )
    )
    schedule_if_due(session, now)


def new_examples(session: Session) -> int:
    """Gold examples added or changed since the last retrain started."""
    since = session.scalar(
        select(IntentRetrain.last_started_at).where(IntentRetrain.id == RETRAIN_ROW)
    )
    query = (
        select(func.count())
        .select_from(IntentExample)
        .where(IntentExample.source == ExampleSource.AGENT)
    )
    if since is not None:
        query = query.where(IntentExample.updated_at > since)
    return int(session.scalar(query) or 0)


def schedule_if_due(session: Session, now: dt.datetime) -> bool:
    """Mark the retrain due once enough new corrections exist; True if it is (now) due."""
    if new_examples(session) < get_settings().intent_retrain_min_examples:
        return False
    session.execute(
        upsert_insert(session, IntentRetrain)
        .values(id=RETRAIN_ROW, last_outcome={})
        .on_conflict_do_nothing(index_elements=[IntentRetrain.id])
    )
    session.execute(
        update(IntentRetrain)
        .where(IntentRetrain.id == RETRAIN_ROW, IntentRetrain.due_at.is_(None))
        .values(due_at=now)
    )
    return True
