"""What a provider did with each outbound message: the attempt recorded before the request
leaves (so a retry after a crash looks before it sends again), the provider's id once it
answers, and the statuses its callbacks report later (delivered, read, failed...).

Callbacks arrive out of order and more than once, so a status only ever moves forward:
``sent`` after ``delivered`` is ignored, and a repeated callback changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from minidesk.channels.models import ChannelDelivery, DeliveryAttempt
from minidesk.db import Database
from minidesk.desk.models import Message
from minidesk.event_kinds import EventKind
from minidesk.events import SYSTEM, emit

# How far along a message is; the final states share a rank (none overrides another) but
# WhatsApp's "read" comes after "delivered".
RANK = {
    "accepted": 0,
    "queued": 0,
    "scheduled": 0,
    "sending": 1,
    "sent": 2,
    "delivered": 3,
    "undelivered": 3,
    "failed": 3,
    "canceled": 3,
    "read": 4,
}
FAILED = frozenset({"failed", "undelivered", "canceled"})
# ``messages.delivery_status`` holds at most this many characters.
STATUS_LENGTH = 16


@dataclass(frozen=True)
class Attempt:
    attempt: str
    provider_id: str | None
    status: str | None
    started_at: dt.datetime


def do_begin(
    db: Database, outbox_id: int, channel_id: int, message_id: int | None, recipient: str
) -> Attempt | None:
    """Record that outbox row ``outbox_id`` is about to be sent, committed before the request
    leaves. Returns the earlier attempt if there was one (None: this is the first)."""
    try:
        with db.transaction() as session:
            session.add(
                ChannelDelivery(
                    channel_id=channel_id,
                    outbox_id=outbox_id,
                    message_id=message_id,
                    recipient=recipient,
                )
            )
        return None
    except IntegrityError:
        pass
    with db.sessions() as session:
        row = session.scalars(
            select(ChannelDelivery).where(ChannelDelivery.outbox_id == outbox_id)
        ).one()
        return Attempt(row.attempt, row.provider_id, row.status, row.started_at)


def do_restart(db: Database, outbox_id: int, started_at: dt.datetime) -> None:
    """A new request is about to leave for a row whose earlier one surely sent nothing."""
    with db.transaction() as session:
        row = _by_outbox(session, outbox_id)
        row.attempt, row.started_at, row.error = DeliveryAttempt.PENDING, started_at, None


def do_accept(
    db: Database,
    outbox_id: int,
    provider_id: str,
    status: str | None,
    *,
    segments: int | None = None,
    price_micros: int | None = None,
    currency: str | None = None,
) -> str | None:
    """The provider took the message: its id is recorded before the outbox marks it sent.
    Returns the status to show (a callback may already have moved it further)."""
    with db.transaction() as session:
        row = _by_outbox(session, outbox_id)
        row.attempt, row.provider_id = DeliveryAttempt.ACCEPTED, provider_id
        if status and RANK.get(status, 0) >= RANK.get(row.status or "", -1):
            row.status = status
        row.segments = segments if segments is not None else row.segments
        if price_micros is not None:
            row.price_micros, row.currency = price_micros, currency
        if row.message_id is not None:
            # The provider's id on the message too: a customer's reply that quotes it
            # (WhatsApp's context) threads to this ticket.
            session.execute(
                update(Message)
                .where(Message.id == row.message_id, Message.external_id.is_(None))
                .values(external_id=provider_id)
            )
        return row.status


def do_refuse(db: Database, outbox_id: int, error: str) -> None:
    """The provider answered with an error: nothing went out; a retry may send afresh."""
    with db.transaction() as session:
        row = _by_outbox(session, outbox_id)
        row.attempt, row.error = DeliveryAttempt.REFUSED, error[:2000]


def do_hold(db: Database, outbox_id: int, reason: str) -> None:
    """Whether the last try went out cannot be learnt: the row becomes a dead letter, and
    an admin's replay of it (the admin checked) sends afresh."""
    with db.transaction() as session:
        row = _by_outbox(session, outbox_id)
        row.attempt, row.error = DeliveryAttempt.UNKNOWN, reason[:2000]


def _by_outbox(session: Session, outbox_id: int) -> ChannelDelivery:
    return session.scalars(
        select(ChannelDelivery).where(ChannelDelivery.outbox_id == outbox_id)
    ).one()


@dataclass(frozen=True)
class Report:
    """One status callback, as the provider's kind reads it."""

    status: str
    error_code: str | None = None
    error: str | None = None
    segments: int | None = None
    price_micros: int | None = None
    currency: str | None = None


def do_record_status(session: Session, row: ChannelDelivery, report: Report) -> bool:
    """Apply a provider's status callback to its delivery and message; False when it changed
    nothing (a repeat, or news older than what is known)."""
    if report.segments is not None:
        row.segments = report.segments
    if report.price_micros is not None:
        row.price_micros, row.currency = report.price_micros, report.currency
    status = report.status.lower()[:STATUS_LENGTH]
    if status not in RANK or RANK[status] <= RANK.get(row.status or "", -1):
        return False
    row.status = status
    row.error_code, row.error = report.error_code, report.error
    message = session.get(Message, row.message_id) if row.message_id else None
    if message is not None:
        message.delivery_status = status
        message.delivery_error = report.error if status in FAILED else None
    if status in FAILED:
        emit(
            session,
            EventKind.DELIVERY_FAILED,
            SYSTEM,
            ticket_id=message.ticket_id if message else None,
            customer_id=message.ticket.customer_id if message else None,
            message_id=row.message_id,
            outbox_id=row.outbox_id,
            reason=report.error or f"the provider reported {status}",
            permanent=True,
            status=status,
            recipient=row.recipient,
        )
    return True


def by_provider_id(session: Session, channel_id: int, provider_id: str) -> ChannelDelivery | None:
    found: ChannelDelivery | None = session.scalars(
        select(ChannelDelivery).where(
            ChannelDelivery.channel_id == channel_id, ChannelDelivery.provider_id == provider_id
        )
    ).first()
    return found


def by_outbox_id(session: Session, channel_id: int, outbox_id: int) -> ChannelDelivery | None:
    found: ChannelDelivery | None = session.scalars(
        select(ChannelDelivery).where(
            ChannelDelivery.channel_id == channel_id, ChannelDelivery.outbox_id == outbox_id
        )
    ).first()
    return found


def for_messages(session: Session, message_ids: Sequence[int]) -> dict[int, ChannelDelivery]:
    """The delivery record of each of ``message_ids`` that has one (SMS, WhatsApp), in one
    query; a message retried after a refusal keeps one row (one per outbox row)."""
    if not message_ids:
        return {}
    rows = session.scalars(
        select(ChannelDelivery)
        .where(ChannelDelivery.message_id.in_(message_ids))
        .order_by(ChannelDelivery.id)
    )
    # A message sent twice (an admin's replay makes a new outbox row) shows its latest try.
    return {row.message_id: row for row in rows if row.message_id is not None}
