"""The outbox: everything minidesk sends leaves through here, after the deciding commit.

Rows are written in the transaction that decided to send; ``deliver()`` claims a due row with
a conditional UPDATE, calls the channel adapter outside any transaction, and records the
outcome. Temporary failures retry with exponential back-off; permanent ones, or too many
attempts, become dead letters an admin can see and replay. A receiver that is switched off
(a failing webhook subscription) parks its rows until it is switched on again.

Rows of a customer channel go to that channel's adapter; other kinds (webhooks) to the sender
their feature registers with ``register_sender``.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from collections.abc import Callable, Collection, Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import ForeignKey, Index, String, Text, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from minidesk import hints
from minidesk.batch_ids import ensure_id
from minidesk.channels.base import DeliveryError, DeliveryResult, OutboundMessage
from minidesk.db import Base, Database, on_commit, utcnow
from minidesk.event_kinds import EventKind
from minidesk.events import SYSTEM, emit

if TYPE_CHECKING:
    from minidesk.desk.models import Message, Ticket

log = logging.getLogger(__name__)

BACKOFF_BASE = dt.timedelta(seconds=10)
BACKOFF_CAP = dt.timedelta(hours=1)
# A sender that died mid-send leaves its row "sending"; after this lease another worker
# retries it. Adapters pass the outbox id as an idempotency key so the retry is harmless.
SENDING_LEASE = dt.timedelta(minutes=5)


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    DEAD = "dead"
    PARKED = "parked"  # its receiver is switched off; never due until ``unpark``


class Parked(DeliveryError):
    """Raised by a sender whose receiver is switched off: the row waits, the attempt uncounted,
    instead of hammering a receiver that is known to fail."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason, permanent=False)


Sender = Callable[[OutboundMessage], DeliveryResult]
_senders: dict[str, Sender] = {}


def register_sender(kind: str, send: Sender) -> None:
    """Deliver rows of ``kind``, which is not a customer channel, with ``send`` (a feature
    registers it when imported; ``minidesk.features`` imports them in every worker)."""
    _senders[kind] = send


def _sender(kind: str) -> Sender:
    from minidesk.channels import registry

    return _senders.get(kind) or registry.adapter(kind).send


class DeliveryStatus(StrEnum):
    """The message-side view of delivery, shown on the ticket."""

    QUEUED = "queued"
    SENT = "sent"
    STORED = "stored"  # kept for the customer's client to poll; nothing to push to
    FAILED = "failed"


class OutboxItem(Base):
    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at"),
        # The auto-reply rate limit counts what was sent in the last hour.
        Index("ix_outbox_sent", "status", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    # The instance that sends it (which mailbox); None for outbox kinds without instances.
    channel_id: Mapped[int | None] = mapped_column(ForeignKey("channels.id"))
    ticket_id: Mapped[int | None]
    message_id: Mapped[int | None] = mapped_column(index=True)
    payload: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    provider_id: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None]


def enqueue_message(session: Session, message: Message, ticket: Ticket) -> OutboxItem:
    """Queue an outbound message for its ticket's channel (sent after commit)."""
    customer = ticket.customer
    item = OutboxItem(
        channel=message.channel,
        channel_id=message.channel_id,
        ticket_id=ticket.id,
        message_id=message.id,
        payload={
            "text": message.text,
            "html": message.html,
            # A template renders its own email subject ("Order #1001 — Shipment Update").
            "subject": message.meta.get("subject") or ticket.subject,
            "automated": message.automated,
            "meta": message.meta,
            "recipient": {
                "customer_id": customer.id,
                "email": customer.email,
                "phone": customer.phone,
                "name": customer.name,
            },
        },
    )
    session.add(item)
    ensure_id(session, item)
    item_id = item.id
    on_commit(session, lambda: hints.outbox_due(item_id))
    return item


def backoff(attempts: int) -> dt.timedelta:
    """10 s, 20 s, 40 s … capped at an hour, with ±20% jitter so retries do not stampede."""
    delay = min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_CAP)
    return delay * random.uniform(0.8, 1.2)


def _claim(session: Session, item_id: int, now: dt.datetime) -> bool:
    due = (OutboxItem.status == OutboxStatus.PENDING) | (
        (OutboxItem.status == OutboxStatus.SENDING)
        & (OutboxItem.next_attempt_at < now - SENDING_LEASE)
    )
    won = session.execute(
        update(OutboxItem)
        .where(OutboxItem.id == item_id, OutboxItem.next_attempt_at <= now, due)
        .values(status=OutboxStatus.SENDING, attempts=OutboxItem.attempts + 1, next_attempt_at=now)
    )
    return won.rowcount == 1  # type: ignore[attr-defined]


def deliver(db: Database, item_id: int, max_attempts: int) -> str | None:
    """Try to send one outbox row; returns its new status, or None if it was not due."""
    now = utcnow()
    with db.transaction() as session:
        if not _claim(session, item_id, now):
            return None
        item = session.get_one(OutboxItem, item_id)
        outbound = OutboundMessage(
            outbox_id=item.id,
            channel=item.channel,
            ticket_id=item.ticket_id or 0,
            message_id=item.message_id or 0,
            text=item.payload["text"],
            html=item.payload.get("html"),
            subject=item.payload.get("subject", ""),
            recipient=item.payload["recipient"],
            automated=item.payload.get("automated", False),
            meta=item.payload.get("meta", {}),
            channel_id=item.channel_id,
        )
        attempts = item.attempts
    try:
        result = _sender(outbound.channel)(outbound)
    except DeliveryError as exc:
        return _failed(db, item_id, exc, attempts, max_attempts)
    except Exception as exc:  # a sender bug must not lose the message: retry, then dead letter
        log.exception("channel %s failed sending outbox %s", outbound.channel, item_id)
        return _failed(db, item_id, DeliveryError(repr(exc)[:500]), attempts, max_attempts)
    with db.transaction() as session:
        item = session.get_one(OutboxItem, item_id)
        item.status = OutboxStatus.SENT
        item.sent_at = utcnow()
        item.provider_id = result.provider_id
        item.last_error = None
        _set_message_status(session, item, result.status, None)
    return OutboxStatus.SENT


def _failed(
    db: Database, item_id: int, exc: DeliveryError, attempts: int, max_attempts: int
) -> str:
    with db.transaction() as session:
        item = session.get_one(OutboxItem, item_id)
        item.last_error = exc.reason[:2000]
        if isinstance(exc, Parked):
            item.status = OutboxStatus.PARKED
            item.attempts = attempts - 1
        elif exc.permanent or attempts >= max_attempts:
            item.status = OutboxStatus.DEAD
            _set_message_status(session, item, DeliveryStatus.FAILED, exc.reason)
            emit(
                session,
                EventKind.DELIVERY_FAILED,
                SYSTEM,
                ticket_id=item.ticket_id,
                message_id=item.message_id,
                outbox_id=item.id,
                reason=exc.reason,
                permanent=exc.permanent,
                attempts=attempts,
            )
        else:
            item.status = OutboxStatus.PENDING
            item.next_attempt_at = utcnow() + backoff(attempts)
            eta = item.next_attempt_at
            on_commit(session, lambda: hints.outbox_due(item_id, eta))
        return item.status


def _set_message_status(session: Session, item: OutboxItem, status: str, error: str | None) -> None:
    from minidesk.desk.models import Message

    if item.message_id is None:
        return
    message = session.get(Message, item.message_id)
    if message is not None:
        message.delivery_status = status
        message.delivery_error = error


def replay(
    session: Session, item_id: int, statuses: Collection[str] = (OutboxStatus.DEAD,)
) -> bool:
    """Send a dead letter (or a row in one of ``statuses``) again: an admin's action after
    fixing the cause. False if the row is in none of them."""
    won = session.execute(
        update(OutboxItem)
        .where(OutboxItem.id == item_id, OutboxItem.status.in_(list(statuses)))
        .values(status=OutboxStatus.PENDING, attempts=0, next_attempt_at=utcnow())
    )
    if won.rowcount == 1:  # type: ignore[attr-defined]
        on_commit(session, lambda: hints.outbox_due(item_id))
        return True
    return False


def unpark(session: Session, item_ids: Sequence[int]) -> int:
    """Make parked rows due now (their receiver was switched on again); returns how many."""
    if not item_ids:
        return 0
    woken = list(
        session.scalars(
            update(OutboxItem)
            .where(OutboxItem.id.in_(list(item_ids)), OutboxItem.status == OutboxStatus.PARKED)
            .values(status=OutboxStatus.PENDING, next_attempt_at=utcnow())
            .returning(OutboxItem.id),
            execution_options={"synchronize_session": False},
        )
    )

    def wake() -> None:
        for item_id in woken:
            hints.outbox_due(item_id)

    on_commit(session, wake)
    return len(woken)


def due_ids(session: Session, now: dt.datetime, limit: int | None = 500) -> list[int]:
    stale = now - SENDING_LEASE
    query = (
        select(OutboxItem.id)
        .where(
            ((OutboxItem.status == OutboxStatus.PENDING) & (OutboxItem.next_attempt_at <= now))
            | ((OutboxItem.status == OutboxStatus.SENDING) & (OutboxItem.next_attempt_at < stale))
        )
        .order_by(OutboxItem.next_attempt_at)
        .limit(limit)
    )
    return list(session.scalars(query))


def depth(session: Session) -> dict[str, int]:
    rows = session.execute(select(OutboxItem.status, func.count()).group_by(OutboxItem.status))
    return {status: count for status, count in rows}
