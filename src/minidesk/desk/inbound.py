"""Recording customers' messages as the pipeline does it: a batch's rows as plain values,
inserted together with one Core statement per table.

A ``Message`` object per inbound message cost the pipeline more than its row: some forty
instrumented attribute sets to build it, then the unit of work's bookkeeping to flush it
(its history, its dependency on the ticket, its identity afterwards). Nothing in the
processing transaction reads these rows back as objects, so they go in as values; their
tickets, which the pipeline keeps changing, stay ORM objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from minidesk.batch_ids import assignable, take_ids
from minidesk.channels.base import InboundMessage
from minidesk.db import utcnow
from minidesk.desk.last_inbound import inbound_written
from minidesk.desk.messages import sanitise_html
from minidesk.desk.models import (
    Attachment,
    Customer,
    Direction,
    FetchStatus,
    Message,
    Status,
    Ticket,
)
from minidesk.event_kinds import EventKind
from minidesk.events import Actor, ActorType, changed, record


def _table(model: type[Any]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)  # a declarative class's table, narrowed for the checker
    return table


_MESSAGES = _table(Message)
_ATTACHMENTS = _table(Attachment)


@dataclass(slots=True)
class Inbound:
    """A customer's message recorded but not inserted yet (``insert_inbound``): its row's
    values, its attachments', and its id once inserted."""

    ticket: Ticket
    values: dict[str, Any]
    attachments: list[dict[str, Any]] = field(default_factory=list)
    id: int | None = None


def record_inbound(
    session: Session,
    ticket: Ticket,
    customer: Customer,
    message: InboundMessage,
    inbox_id: int,
    **columns: Any,
) -> Inbound:
    """Record a customer's message on ``ticket``; ``columns`` are further values of the row
    (the pipeline passes triage's results so the row is written once, not inserted then
    updated). The ticket changes at once; the row goes in with ``insert_inbound``."""
    via = message.via
    row = Inbound(
        ticket,
        {
            **columns,
            "customer_id": customer.id,
            "direction": Direction.INBOUND,
            "channel": message.channel,
            "channel_id": message.channel_id,
            "text": message.text,
            "html": sanitise_html(message.html),
            "external_id": message.external_id,
            "inbox_id": inbox_id,
            "posted_by_id": via.user_id if via else None,
            "token_id": via.token_id if via else None,
            "meta": {"subject": message.subject, **message.meta}
            if message.subject
            else message.meta,
        },
        [
            {
                "filename": a.filename,
                "content_type": a.content_type,
                "size": a.size,
                "sha256": a.sha256,
                "storage_key": a.storage_key,
                "url": a.url,
                "inline": a.inline,
                "content_id": a.content_id,
                "fetch_status": FetchStatus.PENDING if a.fetch else None,
                "fetch_source": a.fetch,
                "fetch_due_at": utcnow() if a.fetch else None,
            }
            for a in message.attachments
        ],
    )
    now = utcnow()
    ticket.last_inbound_at = now
    ticket.updated_at = now
    ticket.turns += 1
    if ticket.status == Status.PENDING:
        before = ticket.status
        ticket.status = Status.OPEN
        record(
            session,
            EventKind.TICKET_STATUS_CHANGED,
            Actor(ActorType.CUSTOMER, customer.id),
            ticket_id=ticket.id,
            customer_id=customer.id,
            why="customer replied",
            **changed(before, Status.OPEN),
        )
    return row


def insert_inbound(session: Session, rows: list[Inbound]) -> None:
    """Insert those of ``rows`` not inserted yet, in order, and set their ids. The session
    flushes first: their tickets, new ones included, are in the database with their ids."""
    pending = [row for row in rows if row.id is None]
    if not pending:
        return
    session.flush()
    values = [{**row.values, "ticket_id": row.ticket.id} for row in pending]
    if assignable(session):
        # The ids SQLite would give, chosen here (``batch_ids``): nothing to read back.
        ids: list[int] = list(take_ids(session, Message, len(values)))
        for message_id, value in zip(ids, values, strict=True):
            value["id"] = message_id
        session.execute(insert(_MESSAGES), values)
    else:
        returning = insert(_MESSAGES).returning(_MESSAGES.c.id, sort_by_parameter_order=True)
        ids = list(session.scalars(returning, values))
    for row, message_id in zip(pending, ids, strict=True):
        row.id = message_id
    attachments = [{**a, "message_id": row.id} for row in pending for a in row.attachments]
    if attachments:
        session.execute(insert(_ATTACHMENTS), attachments)
    inbound_written(session)  # what the ORM's insert of an inbound ``Message`` would say
