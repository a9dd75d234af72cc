"""The inbox: every inbound message is stored raw, once, before anything else happens.

``accept()`` inserts the payload with ``(channel, external_id)`` unique and commits; only then
is processing queued. A crash after ``accept()`` returns loses nothing (the row is pending and
the recovery sweep finds it), and a redelivered message is recognised and not stored again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import Index, String, Text, UniqueConstraint, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from minidesk.channels.base import AttachmentIn, InboundMessage, Sender
from minidesk.db import Base, Database, get_db, on_commit, upsert_insert, utcnow


class InboxStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"
    QUARANTINED = "quarantined"


class InboxItem(Base):
    __tablename__ = "inbox"
    __table_args__ = (
        UniqueConstraint("channel", "external_id"),
        Index("ix_inbox_status_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(998))
    payload: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(16), default=InboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    processed_at: Mapped[dt.datetime | None]
    ticket_id: Mapped[int | None]
    message_id: Mapped[int | None]


@dataclass(frozen=True)
class Accepted:
    inbox_id: int
    duplicate: bool
    status: str
    ticket_id: int | None = None
    message_id: int | None = None


def to_payload(message: InboundMessage) -> dict[str, Any]:
    return dataclasses.asdict(message)


def from_payload(payload: dict[str, Any]) -> InboundMessage:
    data = dict(payload)
    data["sender"] = Sender(**data["sender"])
    data["attachments"] = tuple(AttachmentIn(**a) for a in data.get("attachments", ()))
    data["reply_to_external_ids"] = tuple(data.get("reply_to_external_ids", ()))
    return InboundMessage(**data)


def _insert_ignoring_duplicate(session: Session, values: dict[str, Any]) -> int | None:
    statement = (
        upsert_insert(session, InboxItem)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["channel", "external_id"])
        .returning(InboxItem.id)
    )
    return session.execute(statement).scalar_one_or_none()


def accept(
    message: InboundMessage,
    *,
    status: InboxStatus = InboxStatus.PENDING,
    error: str | None = None,
    db: Database | None = None,
) -> Accepted:
    """Store ``message`` durably (once) and queue its processing; returns after commit.

    Channels pass ``status=QUARANTINED`` with an ``error`` for input they could not make sense
    of: it is kept for an admin to inspect and retry, never dropped.
    """
    from minidesk import jobs

    db = db or get_db()
    values = {
        "channel": message.channel,
        "external_id": message.external_id,
        "payload": to_payload(message),
        "status": status,
        "error": error,
        "received_at": utcnow(),
    }
    with db.transaction() as session:
        inbox_id = _insert_ignoring_duplicate(session, values)
        if inbox_id is not None:
            if status == InboxStatus.PENDING:
                on_commit(session, lambda: jobs.enqueue_process(inbox_id))
            return Accepted(inbox_id, duplicate=False, status=status)
        existing = session.scalars(
            select(InboxItem).where(
                InboxItem.channel == message.channel,
                InboxItem.external_id == message.external_id,
            )
        ).one()
        return Accepted(existing.id, True, existing.status, existing.ticket_id, existing.message_id)


def status_of(inbox_id: int, db: Database | None = None) -> Accepted:
    """Where an accepted row stands now (a worker may have processed it already)."""
    with (db or get_db()).sessions() as session:
        item = session.get_one(InboxItem, inbox_id)
        return Accepted(item.id, False, item.status, item.ticket_id, item.message_id)


def claim(session: Session, inbox_ids: Sequence[int]) -> set[int]:
    """Mark pending rows done inside the caller's transaction; returns the ids it won.

    Processing runs in that same transaction, so a row is done exactly when its effects are
    committed: a crash rolls both back, and another worker finds nothing to claim. On
    PostgreSQL, rows another worker is processing right now are skipped, not waited for.
    """
    if not inbox_ids:
        return set()
    claimable = (
        select(InboxItem.id)
        .where(InboxItem.id.in_(inbox_ids), InboxItem.status == InboxStatus.PENDING)
        .with_for_update(skip_locked=True)
    )
    won = session.scalars(
        update(InboxItem)
        .where(InboxItem.id.in_(claimable))
        .values(status=InboxStatus.DONE)
        .returning(InboxItem.id)
    )
    return set(won)


def record_outcomes(session: Session, outcomes: Mapping[int, tuple[int, int]]) -> None:
    """Note each processed row's ``(ticket_id, message_id)`` and when it was done."""
    if outcomes:
        now = utcnow()
        session.execute(
            update(InboxItem),
            [
                {"id": inbox_id, "ticket_id": ticket, "message_id": message, "processed_at": now}
                for inbox_id, (ticket, message) in outcomes.items()
            ],
        )


def pending_payloads(inbox_ids: Sequence[int], db: Database | None = None) -> dict[int, Any]:
    """The payloads of those rows that are pending, read outside any write transaction."""
    with (db or get_db()).sessions() as session:
        rows = session.execute(
            select(InboxItem.id, InboxItem.payload).where(
                InboxItem.id.in_(inbox_ids), InboxItem.status == InboxStatus.PENDING
            )
        )
        return {inbox_id: payload for inbox_id, payload in rows}


def record_failure(session: Session, inbox_id: int, error: str, max_attempts: int) -> str:
    """Count a failed attempt; after ``max_attempts`` the row is parked as failed."""
    item = session.get_one(InboxItem, inbox_id)
    item.attempts += 1
    item.error = error[:2000]
    # The failed attempt's claim (status done) may be part of this same transaction.
    item.status = InboxStatus.FAILED if item.attempts >= max_attempts else InboxStatus.PENDING
    item.processed_at = None
    return item.status


def retry(session: Session, inbox_id: int) -> bool:
    """Put a failed or quarantined row back in the queue (an admin's action)."""
    from minidesk import jobs

    won = session.execute(
        update(InboxItem)
        .where(
            InboxItem.id == inbox_id,
            InboxItem.status.in_([InboxStatus.FAILED, InboxStatus.QUARANTINED]),
        )
        .values(status=InboxStatus.PENDING, attempts=0)
    )
    if won.rowcount == 1:  # type: ignore[attr-defined]
        on_commit(session, lambda: jobs.enqueue_process(inbox_id))
        return True
    return False


def pending_ids(session: Session, received_before: dt.datetime, limit: int = 1000) -> list[int]:
    return list(
        session.scalars(
            select(InboxItem.id)
            .where(InboxItem.status == InboxStatus.PENDING, InboxItem.received_at < received_before)
            .order_by(InboxItem.id)
            .limit(limit)
        )
    )
