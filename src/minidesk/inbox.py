"""The inbox: every inbound message is stored raw, once, before anything else happens.

``accept()`` inserts the payload with ``(channel_id, external_id)`` unique and commits; only then
is processing queued. A crash after ``accept()`` returns loses nothing (the row is pending and
the recovery sweep finds it), and a redelivered message is recognised and not stored again.
Where an accepted row waits until a worker processes it is the business of an
``inbox_store.InboxStore``: this table itself on PostgreSQL, a spool file beside the
database on SQLite (``minidesk.spool``), whose rows move into this table, under the same id,
in the transaction that processes them. Everything else — the pipeline, the jobs, the
metrics — asks the store and never knows which it is.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    bindparam,
    select,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import NoResultFound
from sqlalchemy.orm import Mapped, Session, mapped_column

from minidesk import hints
from minidesk.channels.base import AttachmentIn, InboundMessage, Sender, Via
from minidesk.channels.service import default_channel_id
from minidesk.db import Base, Database, get_db, on_commit, upsert_insert, utcnow


class InboxStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"
    QUARANTINED = "quarantined"


class InboxItem(Base):
    __tablename__ = "inbox"
    __table_args__ = (
        UniqueConstraint("channel_id", "external_id"),
        Index("ix_inbox_status_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id"))
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
    # What ``dataclasses.asdict`` gives, without its deep copy of every value (a tenth of
    # an accept's CPU): the payload is serialised to JSON at once, never mutated.
    payload = _flat(message)
    payload["sender"] = _flat(message.sender)
    payload["attachments"] = tuple(_flat(a) for a in message.attachments)
    payload["reply_to_external_ids"] = tuple(message.reply_to_external_ids)
    # Who handed the message in is part of the row, so the audit trail and four-eyes checks
    # can name the credential and its user.
    payload["via"] = _flat(message.via) if message.via else None
    return payload


_FIELDS: dict[type, tuple[str, ...]] = {}


def _flat(instance: Any) -> dict[str, Any]:
    # ``asdict`` one level deep (sender, via and attachments hold plain values only), with
    # each class's field names looked up once: ``asdict`` was a sixth of an accept's CPU.
    names = _FIELDS.get(type(instance))
    if names is None:
        names = _FIELDS[type(instance)] = tuple(f.name for f in dataclasses.fields(instance))
    return {name: getattr(instance, name) for name in names}


# A payload key beside the message's own fields: what triage read when the message was
# accepted, if the accepting process read it (``accept_many``'s ``readings``).
READING = "reading"


def from_payload(payload: dict[str, Any]) -> InboundMessage:
    data = dict(payload)
    data.pop(READING, None)
    data["sender"] = Sender(**data["sender"])
    data["attachments"] = tuple(AttachmentIn(**a) for a in data.get("attachments", ()))
    data["reply_to_external_ids"] = tuple(data.get("reply_to_external_ids", ()))
    data["via"] = Via(**data["via"]) if data.get("via") else None
    return InboundMessage(**data)


Key = tuple[int, str]  # (channel_id, external_id): what makes a redelivery a duplicate
Row = dict[str, Any]  # an inbox row's columns, as accepted


def key_params(keys: Sequence[Key]) -> dict[str, list[Any]]:
    """Bind values for ``channel_id IN :channels AND external_id IN :keys``: both columns, so
    the ``(channel_id, external_id)`` unique index answers rather than a scan."""
    return {"channels": list({c for c, _ in keys}), "keys": list({k for _, k in keys})}


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
    return accept_many([message], status=status, error=error, db=db)[0]


def accept_many(
    messages: Sequence[InboundMessage],
    *,
    status: InboxStatus = InboxStatus.PENDING,
    error: str | None = None,
    db: Database | None = None,
    readings: Sequence[Mapping[str, Any] | None] | None = None,
) -> list[Accepted]:
    """``accept`` for several messages in one transaction (a group commit); one answer per
    message, in order. A message seen before, or twice here, is answered as a duplicate.

    ``readings``, one per message where given, are what triage read of each (as JSON): kept
    in the payload, so the pipeline need not read the message again (``READING``).
    """
    db = db or get_db()
    now = utcnow()
    messages = [_on_instance(db, message) for message in messages]
    values: dict[Key, dict[str, Any]] = {}
    for message, reading in zip(messages, readings or [None] * len(messages), strict=True):
        payload = to_payload(message)
        if reading is not None:
            payload[READING] = reading
        values.setdefault(
            _key(message),
            {
                "channel": message.channel,
                "channel_id": message.channel_id,
                "external_id": message.external_id,
                "payload": payload,
                "status": status,
                "error": error,
                "received_at": now,
            },
        )
    from minidesk.inbox_store import store_of  # the stores build on this module

    stored = store_of(db).accept_many(values)
    answers: list[Accepted] = []
    for message in messages:
        key = _key(message)
        answers.append(stored[key])
        # The same message twice in one call: the second is a duplicate of the first.
        stored[key] = dataclasses.replace(stored[key], duplicate=True)
    return answers


def _on_instance(db: Database, message: InboundMessage) -> InboundMessage:
    """``message`` with its channel instance named: a caller that names none (code written
    before instances, the sample data) gets its kind's default instance."""
    if message.channel_id is not None:
        return message
    return dataclasses.replace(message, channel_id=default_channel_id(db, message.channel))


def _key(message: InboundMessage) -> Key:
    assert message.channel_id is not None
    return message.channel_id, message.external_id


# Columns, not entities, and built once: every accept asks, and never needs the payloads.
_KNOWN = select(
    InboxItem.channel_id,
    InboxItem.external_id,
    InboxItem.id,
    InboxItem.status,
    InboxItem.ticket_id,
    InboxItem.message_id,
).where(
    # Both columns, so the (channel_id, external_id) unique index answers (external_id alone
    # cannot use it: every accept would scan the whole inbox).
    InboxItem.channel_id.in_(bindparam("channels", expanding=True)),
    InboxItem.external_id.in_(bindparam("keys", expanding=True)),
)


def known(session: Session | Connection, keys: Sequence[Key]) -> dict[Key, Accepted]:
    """The inbox's answer for those of ``keys`` it holds (duplicates, with their tickets)."""
    if not keys:
        return {}
    rows = session.execute(_KNOWN, key_params(keys))
    wanted = set(keys)
    return {
        (channel, key): Accepted(inbox_id, True, status, ticket_id, message_id)
        for channel, key, inbox_id, status, ticket_id, message_id in rows
        if (channel, key) in wanted
    }


def status_of(inbox_id: int, db: Database | None = None) -> Accepted:
    """Where an accepted row stands now (a worker may have processed it already)."""
    db = db or get_db()
    with db.sessions() as session:
        item = session.get(InboxItem, inbox_id)
        if item is not None:
            return Accepted(item.id, False, item.status, item.ticket_id, item.message_id)
    from minidesk.inbox_store import store_of

    waiting = store_of(db).waiting(inbox_id)
    if waiting is None:
        raise NoResultFound(f"no inbox row {inbox_id}")
    return Accepted(inbox_id, False, waiting["status"])


# Built once, and run on a plain connection: a web process waiting for tickets asks after
# every commit to the database, and a Session around this query cost three times the query.
_STATES = select(InboxItem.id, InboxItem.status, InboxItem.ticket_id, InboxItem.message_id).where(
    InboxItem.id.in_(bindparam("ids", expanding=True))
)


def states(inbox_ids: Sequence[int], db: Database | None = None) -> dict[int, Accepted]:
    """Where those of ``inbox_ids`` the inbox table holds stand now (one query)."""
    with (db or get_db()).read_engine.connect() as connection:
        rows = connection.execute(_STATES, {"ids": list(inbox_ids)})
        return {row[0]: Accepted(row[0], False, row[1], row[2], row[3]) for row in rows}


def handed_in_via(inbox_id: int, db: Database | None = None) -> Via | None:
    """The API credential a row was handed in with (None for mail, SMS...)."""
    db = db or get_db()
    with db.sessions() as session:
        payload = session.scalar(select(InboxItem.payload).where(InboxItem.id == inbox_id))
    if payload is None:
        from minidesk.inbox_store import store_of

        waiting = store_of(db).waiting(inbox_id)
        if waiting is None:
            raise NoResultFound(f"no inbox row {inbox_id}")
        payload = waiting["payload"]
    via = payload.get("via")
    return Via(**via) if via else None


def take_in(
    session: Session, rows: Sequence[dict[str, Any]], claiming: Collection[int] = ()
) -> set[int]:
    """Move spooled rows into the inbox, same ids, in the caller's (processing) transaction.
    A row taken in before (a crash kept it in the spool) or a key the inbox has under
    another id (two accepts raced) is skipped: the inbox's keys stay unique.

    Those of ``claiming`` that arrive pending go in claimed already (``claim``'s status
    done): a row that was not in the inbox a moment ago is nobody else's. Returns their
    ids; the others of ``claiming`` are ``claim``'s to try."""
    if not rows:
        return set()
    wanted = set(claiming)
    values = []
    claimed: set[int] = set()
    for row in rows:
        value = {column: row[column] for column in _MOVED}
        if row["id"] in wanted and row["status"] == InboxStatus.PENDING:
            value["status"] = InboxStatus.DONE
            claimed.add(row["id"])
        values.append(value)
    statement = upsert_insert(session, _INBOX).on_conflict_do_nothing().returning(_INBOX.c.id)
    return claimed.intersection(session.scalars(statement, values))


# The table, not the entity: Core statements skip the ORM's per-row bookkeeping.
_INBOX = InboxItem.__table__
assert isinstance(_INBOX, Table)  # a declarative class's table, narrowed for the checker
_MOVED = ("id", "channel", "channel_id", "external_id", "payload", "status", "error", "received_at")


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
            _OUTCOMES,
            [
                {"row": inbox_id, "ticket": ticket, "message": message, "now": now}
                for inbox_id, (ticket, message) in outcomes.items()
            ],
        )


# A Core executemany: the ORM's bulk UPDATE by primary key did the same with more work a row.
_OUTCOMES = (
    update(_INBOX)
    .where(_INBOX.c.id == bindparam("row"))
    .values(
        ticket_id=bindparam("ticket"),
        message_id=bindparam("message"),
        processed_at=bindparam("now"),
    )
)


# Built once and run on plain connections, as ``states``: every batch a worker takes asks,
# and a Session around either query cost more than the query.
_HELD = select(InboxItem.id).where(InboxItem.id.in_(bindparam("ids", expanding=True)))
_PENDING_PAYLOADS = select(InboxItem.id, InboxItem.payload).where(
    InboxItem.id.in_(bindparam("ids", expanding=True)), InboxItem.status == InboxStatus.PENDING
)


def held(inbox_ids: Sequence[int], db: Database | None = None) -> set[int]:
    """Those of ``inbox_ids`` the inbox holds (in any state)."""
    if not inbox_ids:
        return set()
    with (db or get_db()).read_engine.connect() as connection:
        return set(connection.scalars(_HELD, {"ids": list(inbox_ids)}))


def pending_payloads(inbox_ids: Sequence[int], db: Database | None = None) -> dict[int, Any]:
    """The payloads of those rows that are pending, read outside any write transaction."""
    if not inbox_ids:
        return {}
    with (db or get_db()).read_engine.connect() as connection:
        rows = connection.execute(_PENDING_PAYLOADS, {"ids": list(inbox_ids)})
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
    won = session.execute(
        update(InboxItem)
        .where(
            InboxItem.id == inbox_id,
            InboxItem.status.in_([InboxStatus.FAILED, InboxStatus.QUARANTINED]),
        )
        .values(status=InboxStatus.PENDING, attempts=0)
    )
    if won.rowcount == 1:  # type: ignore[attr-defined]
        on_commit(session, lambda: hints.inbox_accepted(inbox_id))
        return True
    return False


def pending_ids(
    session: Session, received_before: dt.datetime, limit: int | None = 1000
) -> list[int]:
    return list(
        session.scalars(
            select(InboxItem.id)
            .where(InboxItem.status == InboxStatus.PENDING, InboxItem.received_at < received_before)
            .order_by(InboxItem.id)
            .limit(limit)
        )
    )
