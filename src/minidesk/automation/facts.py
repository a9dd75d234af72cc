"""What a rule looks at: the ticket, the event that woke it, the message, and the time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.desk.models import Direction, Message, Ticket
from minidesk.desk.workspace import get_workspace
from minidesk.events import Event


@dataclass(frozen=True)
class Facts:
    session: Session
    ticket: Ticket
    event: Event | None  # None when a timer fired
    message: Message | None  # the event's message, else the ticket's latest inbound one
    now: dt.datetime
    timezone: str

    @property
    def text(self) -> str:
        if self.message is not None:
            return self.message.text
        return self.ticket.subject


def gather(session: Session, ticket: Ticket, event: Event | None, now: dt.datetime) -> Facts:
    message = None
    if event is not None and event.message_id is not None:
        message = session.get(Message, event.message_id)
    if message is None:
        message = session.scalars(
            select(Message)
            .where(Message.ticket_id == ticket.id, Message.direction == Direction.INBOUND)
            .order_by(Message.id.desc())
            .limit(1)
        ).first()
    return Facts(session, ticket, event, message, now, get_workspace(session).timezone)
