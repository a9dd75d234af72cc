"""Chat abandonment: a visitor who leaves before anyone (an agent or the bot) replied.

A chat starts waiting when its first line opens the ticket, and stops at the first reply
(``chat_waits``). Leaving has no reliable signal of its own: moving to another page of the
shop closes the socket as surely as closing the tab, and the widget reconnects on the next
page within seconds. So a visitor has left when no web process has seen any socket of theirs
for ``GRACE``: ``last_seen_at``, which ``ChatHub`` renews (``identity.seen``) while they are
connected and once after their last socket closed. The minute sweep then records
``chat.visitor_left`` on the chat, once: each waiting row is claimed by the DELETE that
ends it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from minidesk import db, events
from minidesk.channels.chat.conversation import CHAT
from minidesk.channels.chat.models import ChatVisitor, ChatWait
from minidesk.desk.models import Direction, Message, Ticket
from minidesk.event_kinds import EventKind
from minidesk.events import Actor, ActorType, Event, emit

# Longer than a page change takes to reconnect, and than a process's renewal interval.
GRACE = dt.timedelta(minutes=2)
BATCH = 200
WATCHER = Actor(ActorType.AUTOMATION, name="chat")


def _visitor_of(message: Message | None) -> int | None:
    visitor = ((message.meta or {}).get("chat") or {}).get("visitor_id") if message else None
    return visitor if isinstance(visitor, int) else None


def _wait(session: Session, ticket_id: int, visitor: int | None, since: dt.datetime) -> None:
    if visitor is not None and session.get(ChatWait, ticket_id) is None:
        session.add(ChatWait(ticket_id=ticket_id, visitor_id=visitor, started_at=since))


@events.listen(EventKind.MESSAGE_RECEIVED, transactional=True)
def start_waiting(session: Session, event: Event) -> None:
    """A visitor's first line opened a chat: it waits for a reply from now."""
    if not event.data.get("new_ticket") or event.data.get("channel") != CHAT:
        return
    if event.ticket_id is None or event.message_id is None:
        return
    _wait(session, event.ticket_id, _visitor_of(session.get(Message, event.message_id)),
          event.created_at)  # fmt: skip


@events.listen(EventKind.RESOLUTION_HANDED_OFF, automated=True, transactional=True)
def wait_for_a_person(session: Session, event: Event) -> None:
    """The bot's hand-off notice ended the wait, but answered nothing: unless a person has
    replied already, the chat waits again (for a person), from its start."""
    ticket = session.get(Ticket, event.ticket_id) if event.ticket_id is not None else None
    if ticket is None or ticket.channel != CHAT:
        return
    by_a_person = session.scalar(
        select(Event.id)
        .where(Event.ticket_id == ticket.id, Event.kind == EventKind.MESSAGE_SENT,
               Event.actor_type == ActorType.USER)
        .limit(1)
    )  # fmt: skip
    if by_a_person is not None:
        return
    first = session.scalars(
        select(Message)
        .where(Message.ticket_id == ticket.id, Message.direction == Direction.INBOUND)
        .order_by(Message.id)
        .limit(1)
    ).first()
    _wait(session, ticket.id, _visitor_of(first), ticket.created_at)


@events.listen(EventKind.MESSAGE_SENT, automated=True, transactional=True)
def stop_waiting(session: Session, event: Event) -> None:
    """Any reply, a person's or the bot's, ends the wait (one indexed DELETE)."""
    if event.ticket_id is not None:
        session.execute(delete(ChatWait).where(ChatWait.ticket_id == event.ticket_id))


def record_left(now: dt.datetime) -> int:
    """The minute sweep's entry point: the waiting chats whose visitor is gone past
    ``GRACE`` get ``chat.visitor_left``; returns how many."""
    left = 0
    with db.get_db().transaction() as session:
        due = session.execute(
            select(ChatWait.ticket_id, ChatWait.visitor_id, ChatWait.started_at,
                   ChatVisitor.last_seen_at)
            .join(ChatVisitor, ChatVisitor.id == ChatWait.visitor_id)
            .where(ChatVisitor.last_seen_at < now - GRACE)
            .order_by(ChatWait.ticket_id)
            .limit(BATCH)
        ).all()  # fmt: skip
        for ticket_id, visitor_id, started_at, last_seen in due:
            claimed = session.execute(delete(ChatWait).where(ChatWait.ticket_id == ticket_id))
            if getattr(claimed, "rowcount", 0) != 1:
                continue  # answered, or recorded by another worker, meanwhile
            ticket = session.get_one(Ticket, ticket_id)
            emit(
                session,
                EventKind.CHAT_VISITOR_LEFT,
                WATCHER,
                ticket_id=ticket_id,
                customer_id=ticket.customer_id,
                visitor_id=visitor_id,
                left_at=last_seen.isoformat(),
                waited_seconds=max(int((last_seen - started_at).total_seconds()), 0),
            )
            left += 1
    return left
