"""Tickets: threading an inbound message to its ticket, and every change an agent can make.

Each ``do_*`` function changes state and records one event naming the actor, with the value
before and after, in the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Mapping
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, selectinload

from minidesk import events
from minidesk.channels.base import InboundMessage
from minidesk.channels.service import channel_teams
from minidesk.channels.text import one_line
from minidesk.db import utcnow
from minidesk.desk.models import (
    OPEN_STATUSES,
    Customer,
    Message,
    Priority,
    Status,
    Team,
    Ticket,
    TicketTag,
    TicketThread,
    User,
)
from minidesk.event_kinds import EventKind
from minidesk.events import Actor, changed, emit, record

SUBJECT_FROM_TEXT = 80
# Ticket.subject's column size.
SUBJECT_LENGTH = 500
MAX_TIER = 3  # support tiers 1-3: first line, specialist, engineering


class TicketChangeError(ValueError):
    pass


_BATCH_TICKETS = "minidesk.desk.batch_tickets"


def for_listener(session: Session, ticket_id: int) -> Ticket | None:
    """``session.get(Ticket, ticket_id)`` for an event listener. Inside a dispatch batch the
    first call loads every ticket the batch's events name (with customer and tags) in one
    query, so the listeners of a hundred events do not each load their ticket."""
    batch = events.batch(session)
    held = session.info.get(_BATCH_TICKETS)
    if batch and (held is None or held[0] is not batch):
        wanted = {e.ticket_id for e in batch if e.ticket_id is not None}
        loaded: list[Ticket] = []
        # The session only holds unchanged rows weakly: keep them until the batch is done.
        session.info[_BATCH_TICKETS] = (batch, loaded)
        if len(wanted) > 1:
            loaded += session.scalars(
                select(Ticket)
                .where(Ticket.id.in_(wanted))
                # Replies greet the customer by name; hand-offs and SLA matching read tags.
                .options(selectinload(Ticket.customer), selectinload(Ticket.tag_rows))
            )
    return session.get(Ticket, ticket_id)


def subject_for(message: InboundMessage) -> str:
    # One line: the subject goes into every reply's Subject header.
    if subject := one_line(message.subject, SUBJECT_LENGTH):
        return subject
    lines = (one_line(line) for line in message.text.splitlines())
    first_line = next((line for line in lines if line), "")
    if len(first_line) > SUBJECT_FROM_TEXT:
        first_line = first_line[: SUBJECT_FROM_TEXT - 1].rstrip() + "…"
    return first_line or "(no subject)"


def find_thread_ticket(
    session: Session,
    customer: Customer,
    message: InboundMessage,
    customer_ids: list[int],
    open_tickets: Mapping[int, Ticket] | None = None,
) -> Ticket | None:
    """The ticket an inbound message continues, strongest signal first; None for a new one.

    ``open_tickets`` (from ``latest_open_tickets``, kept current by a caller threading many
    messages at once) answers the last and most common question without a query.
    """
    if message.reply_to_external_ids:
        ticket_id = session.scalars(
            select(Message.ticket_id)
            .join(Ticket, Ticket.id == Message.ticket_id)
            .where(
                Message.external_id.in_(message.reply_to_external_ids),
                Ticket.customer_id.in_(customer_ids),
            )
            .order_by(Message.id.desc())
            .limit(1)
        ).first()
        if ticket_id is not None:
            return session.get_one(Ticket, ticket_id)
    if message.ticket_hint is not None:
        hinted = session.get(Ticket, message.ticket_hint)
        # A ticket token only counts for the ticket's own customer; channels that can sign
        # their tokens (email plus-addresses) check the signature before setting the hint.
        if hinted is not None and hinted.customer_id in customer_ids:
            return hinted
    if message.thread_key:
        # The sender chose the key: it finds only a conversation of this same customer (or
        # one merged into them), never another's who happened to send the same key.
        ticket_id = session.scalars(
            select(TicketThread.ticket_id)
            .where(
                TicketThread.channel_id == message.channel_id,
                TicketThread.key == message.thread_key,
                TicketThread.customer_id.in_(customer_ids),
            )
            .order_by(TicketThread.id.desc())
            .limit(1)
        ).first()
        if ticket_id is not None:
            return session.get_one(Ticket, ticket_id)
        return None
    if message.new_conversation:
        return None
    if open_tickets is None:
        open_tickets = latest_open_tickets(session, customer_ids)
    candidates = [open_tickets[i] for i in customer_ids if i in open_tickets]
    return max(candidates, key=_recency, default=None)


# Built once: building the statement costs more than SQLite takes to run it.
_OPEN_TICKETS = (
    select(Ticket)
    .where(
        Ticket.customer_id.in_(bindparam("customers", expanding=True)),
        Ticket.status.in_(OPEN_STATUSES),
    )
    .order_by(Ticket.updated_at.desc(), Ticket.id.desc())
)


def latest_open_tickets(session: Session, customer_ids: Collection[int]) -> dict[int, Ticket]:
    """Each customer's most recently updated open ticket: where their next message goes."""
    latest: dict[int, Ticket] = {}
    for ticket in session.scalars(_OPEN_TICKETS, {"customers": list(customer_ids)}):
        latest.setdefault(ticket.customer_id, ticket)
    return latest


def _recency(ticket: Ticket) -> tuple[dt.datetime, float]:
    # A ticket opened in this batch and not flushed yet has no id: it is the newest.
    return ticket.updated_at, ticket.id if ticket.id is not None else math.inf


def continue_or_follow_up(
    session: Session, ticket: Ticket, message: InboundMessage, actor: Actor, *, reopen: bool = True
) -> Ticket | None:
    """A recently solved ticket reopens; an old or closed one gets a follow-up (None: create).

    The window (workspace ``reopen_window_days``) keeps reports honest: a "thanks" a month
    later is a new contact, not a reopened ticket. With ``reopen`` False (a message that only
    acknowledges, "ok, thanks!") a recently solved ticket takes the message and stays solved:
    nobody has anything to do, and the reopen rate and FCR count no reopen.
    """
    from minidesk.desk.workspace import get_workspace

    if ticket.status in OPEN_STATUSES:
        return ticket
    window = get_workspace(session).reopen_window
    recently_solved = (
        ticket.status == Status.SOLVED
        and ticket.solved_at is not None
        and utcnow() - ticket.solved_at <= window
    )
    if recently_solved:
        if reopen:
            do_set_status(session, ticket, Status.OPEN, actor, why="customer replied")
        return ticket
    return None


def do_create_ticket(
    session: Session,
    customer: Customer,
    message: InboundMessage,
    actor: Actor,
    follow_up_of: Ticket | None = None,
) -> Ticket:
    ticket = open_ticket(session, customer, message, follow_up_of)
    session.flush()
    announce_ticket(session, ticket, message, actor, follow_up_of)
    return ticket


def open_ticket(
    session: Session,
    customer: Customer,
    message: InboundMessage,
    follow_up_of: Ticket | None = None,
) -> Ticket:
    """A new ticket for ``message``, added but not flushed: a caller opening many at once
    flushes them together, then calls ``announce_ticket`` for each."""
    ticket = Ticket(
        subject=subject_for(message),
        channel=message.channel,
        channel_id=message.channel_id,
        customer_id=customer.id,
        status=Status.NEW,
        priority=Priority.P3,
        # Set here, not left to the column defaults: the pipeline reads and changes them
        # before the ticket is flushed.
        tier=1,
        turns=0,
        custom_fields={},
    )
    if follow_up_of is not None:
        ticket.custom_fields = {"follow_up_of": follow_up_of.id}
        ticket.team_id = follow_up_of.team_id
    elif message.channel_id is not None:
        # A mailbox's or a number's tickets go to the team that serves it, as an admin set it
        # up; ``ticket.created`` then routes the ticket there, and rules run after (and win).
        ticket.team_id = channel_teams(session).get(message.channel_id)
    session.add(ticket)
    return ticket


def announce_ticket(
    session: Session,
    ticket: Ticket,
    message: InboundMessage,
    actor: Actor,
    follow_up_of: Ticket | None = None,
) -> None:
    """Pin the new ticket's thread and record ``ticket.created`` (it has its id by now)."""
    if message.thread_key:
        pin_thread(session, ticket, message, message.thread_key)
    record(
        session,
        EventKind.TICKET_CREATED,
        actor,
        ticket_id=ticket.id,
        customer_id=ticket.customer_id,
        channel=message.channel,
        subject=ticket.subject,
        follow_up_of=follow_up_of.id if follow_up_of else None,
    )


def pin_thread(session: Session, ticket: Ticket, message: InboundMessage, key: str) -> None:
    """Pin ``key`` on ``message``'s channel to ``ticket`` for the ticket's customer (a
    follow-up takes the key over)."""
    assert message.channel_id is not None, "inbox.accept names every message's channel"
    existing = session.scalars(
        select(TicketThread).where(
            TicketThread.channel_id == message.channel_id,
            TicketThread.customer_id == ticket.customer_id,
            TicketThread.key == key,
        )
    ).first()
    if existing is None:
        session.add(
            TicketThread(
                channel=message.channel,
                channel_id=message.channel_id,
                customer_id=ticket.customer_id,
                key=key,
                ticket_id=ticket.id,
            )
        )
    else:
        existing.ticket_id = ticket.id


def _touch(ticket: Ticket) -> None:
    ticket.updated_at = utcnow()


def do_set_status(
    session: Session, ticket: Ticket, status: Status, actor: Actor, why: str = ""
) -> None:
    if ticket.status == status:
        return
    if ticket.status == Status.CLOSED:
        raise TicketChangeError(
            "a closed ticket cannot change; the customer's next message opens a follow-up"
        )
    before = ticket.status
    ticket.status = status
    ticket.solved_at = utcnow() if status in (Status.SOLVED, Status.CLOSED) else None
    _touch(ticket)
    record(
        session,
        EventKind.TICKET_STATUS_CHANGED,
        actor,
        ticket_id=ticket.id,
        customer_id=ticket.customer_id,
        why=why,
        **changed(before, status),
    )
    if before == Status.SOLVED and status in OPEN_STATUSES:
        # Its own kind, so reports and rules need not decode status pairs to count reopens.
        record(
            session,
            EventKind.TICKET_REOPENED,
            actor,
            ticket_id=ticket.id,
            customer_id=ticket.customer_id,
            why=why,
            by=str(actor.type),
            status=str(status),
        )


def do_set_priority(
    session: Session,
    ticket: Ticket,
    priority: Priority,
    actor: Actor,
    reasons: list[str] | None = None,
) -> None:
    if ticket.priority == priority:
        return
    before = ticket.priority
    ticket.priority = priority
    _touch(ticket)
    record(
        session,
        EventKind.TICKET_PRIORITY_CHANGED,
        actor,
        ticket_id=ticket.id,
        customer_id=ticket.customer_id,
        reasons=reasons or [],
        **changed(before, priority),
    )


def do_set_tier(session: Session, ticket: Ticket, tier: int, actor: Actor, why: str = "") -> None:
    if ticket.tier == tier:
        return
    before = ticket.tier
    ticket.tier = tier
    _touch(ticket)
    emit(
        session,
        EventKind.TICKET_TIER_CHANGED,
        actor,
        ticket_id=ticket.id,
        customer_id=ticket.customer_id,
        why=why,
        **changed(before, tier),
    )


def do_assign(session: Session, ticket: Ticket, assignee: User | None, actor: Actor) -> None:
    if ticket.assignee_id == (assignee.id if assignee else None):
        return
    if assignee is not None and not assignee.active:
        raise TicketChangeError(f"user {assignee.email} is deactivated")
    before = ticket.assignee_id
    ticket.assignee_id = assignee.id if assignee else None
    ticket.assignee = assignee
    _touch(ticket)
    emit(
        session,
        EventKind.TICKET_ASSIGNED,
        actor,
        ticket_id=ticket.id,
        customer_id=ticket.customer_id,
        **changed(before, ticket.assignee_id),
    )


def do_set_team(session: Session, ticket: Ticket, team: Team | None, actor: Actor) -> None:
    if ticket.team_id == (team.id if team else None):
        return
    before = ticket.team_id
    ticket.team_id = team.id if team else None
    ticket.team = team
    _touch(ticket)
    emit(
        session,
        EventKind.TICKET_TEAM_CHANGED,
        actor,
        ticket_id=ticket.id,
        customer_id=ticket.customer_id,
        **changed(before, ticket.team_id),
    )


def do_set_tags(
    session: Session, ticket: Ticket, add: list[str], remove: list[str], actor: Actor
) -> None:
    before = ticket.tags
    wanted = (set(before) | {t.strip().lower() for t in add if t.strip()}) - {
        t.strip().lower() for t in remove
    }
    if wanted == set(before):
        return
    ticket.tag_rows = [row for row in ticket.tag_rows if row.tag in wanted] + [
        TicketTag(ticket_id=ticket.id, tag=tag) for tag in sorted(wanted - set(before))
    ]
    _touch(ticket)
    emit(
        session,
        EventKind.TICKET_TAGS_CHANGED,
        actor,
        ticket_id=ticket.id,
        customer_id=ticket.customer_id,
        **changed(before, sorted(wanted)),
    )


def do_set_intent(session: Session, ticket: Ticket, intent: str, actor: Actor) -> None:
    """An agent's correction of the intent; the event doubles as a labelled training example."""
    if ticket.intent == intent:
        return
    before = ticket.intent
    ticket.intent = intent
    ticket.intent_confidence = 1.0
    _touch(ticket)
    emit(
        session,
        EventKind.TICKET_INTENT_CORRECTED,
        actor,
        ticket_id=ticket.id,
        customer_id=ticket.customer_id,
        **changed(before, intent),
    )


def do_set_custom_fields(
    session: Session, ticket: Ticket, values: dict[str, Any], actor: Actor
) -> None:
    before = dict(ticket.custom_fields)
    after = {**before, **values}
    after = {key: value for key, value in after.items() if value is not None}
    if after == before:
        return
    ticket.custom_fields = after
    _touch(ticket)
    emit(
        session,
        EventKind.TICKET_FIELDS_CHANGED,
        actor,
        ticket_id=ticket.id,
        customer_id=ticket.customer_id,
        **changed(before, after),
    )
