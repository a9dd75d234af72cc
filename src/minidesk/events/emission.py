"""Writing events: ``emit`` and ``emit_many`` in the caller's transaction, strict-mode payload
checks, and after commit the hand-off to the realtime publisher and the listener jobs."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from minidesk import hints
from minidesk.batch_ids import assignable, take_ids
from minidesk.db import on_commit, utcnow
from minidesk.event_kinds import EventKind, check_kind, payload_problems
from minidesk.events.model import Actor, Event

log = logging.getLogger(__name__)

# In ``session.info``: the events of this transaction, handed on after commit (``dispatch``
# drops those of a listener whose savepoint rolled back).
PENDING = "minidesk.events.pending"
# In ``session.info`` inside ``deferred``: the rows ``record`` keeps for one INSERT.
DEFERRED = "minidesk.events.deferred"


class PayloadError(ValueError):
    """Strict mode: an event's data does not match its kind's schema in the catalogue."""


_strict = False
# Strict-mode failures, also kept here: a listener or rule that catches the PayloadError
# turns it into a ``listener.failed`` event, and the suite must still hear of it.
violations: list[str] = []


def set_strict(strict: bool) -> None:
    """Check every payload against the catalogue (tests); off by default for speed."""
    global _strict
    _strict = strict


def emit(
    session: Session,
    kind: EventKind,
    actor: Actor,
    *,
    ticket_id: int | None = None,
    customer_id: int | None = None,
    message_id: int | None = None,
    **data: Any,
) -> Event:
    """Record ``kind`` in the current transaction; listeners see it only after commit.

    Raises ``ValueError`` for a kind not in the catalogue, and ``PayloadError`` in strict
    mode for data that does not match the kind's schema."""
    return _add(session, _checked(kind, data), actor, ticket_id, customer_id, message_id, data)


def _add(
    session: Session,
    kind: EventKind,
    actor: Actor,
    ticket_id: int | None,
    customer_id: int | None,
    message_id: int | None,
    data: dict[str, Any],
) -> Event:
    _release_deferred(session)
    event = Event(**_row(kind, actor, ticket_id, customer_id, message_id, data))
    session.add(event)
    _pending(session).append(event)
    return event


def _pending(session: Session) -> list[Committed]:
    """This transaction's events for the after-commit fan-out, which the first one arranges."""
    pending: list[Committed] = session.info.setdefault(PENDING, [])
    if not pending:
        on_commit(session, lambda: _after_commit(pending))
    return pending


def _checked(kind: EventKind, data: dict[str, Any]) -> EventKind:
    if type(kind) is not EventKind:  # a member is catalogued; looking it up again costs
        kind = check_kind(kind)
    if _strict and (problems := payload_problems(kind, data)):
        violations.append(f"{kind} payload: {'; '.join(problems)}")
        raise PayloadError(violations[-1])
    return kind


def record(
    session: Session,
    kind: EventKind,
    actor: Actor,
    *,
    ticket_id: int | None = None,
    customer_id: int | None = None,
    message_id: int | None = None,
    **data: Any,
) -> None:
    """``emit`` for a caller that needs no ``Event`` back. Inside ``deferred(session)`` the
    event is kept as a plain row and inserted with the scope's others in one statement (an
    ORM object and its flush per event cost the pipeline more than the rest of a message's
    write); elsewhere this is ``emit``."""
    kind = _checked(kind, data)
    rows: list[dict[str, Any]] | None = session.info.get(DEFERRED)
    if rows is None:
        _add(session, kind, actor, ticket_id, customer_id, message_id, data)
    else:
        rows.append(_row(kind, actor, ticket_id, customer_id, message_id, data))


@contextmanager
def deferred(session: Session) -> Iterator[None]:
    """Within this, ``record`` keeps events and inserts them when the block ends without an
    error (in the transaction or savepoint around it; an error discards them with the rest
    of the block's work). Until then they are not in the database: the block must not look
    for them there. A nested ``deferred`` joins the outer one."""
    if DEFERRED in session.info:
        yield
        return
    session.info[DEFERRED] = []
    try:
        yield
        _insert(session, session.info[DEFERRED])
    finally:
        del session.info[DEFERRED]


def _release_deferred(session: Session) -> None:
    """Insert what ``record`` kept so far, so that ids stay in the order events happened."""
    if session.info.get(DEFERRED):
        _insert(session, session.info[DEFERRED])
        session.info[DEFERRED] = []


def _row(
    kind: EventKind,
    actor: Actor,
    ticket_id: int | None,
    customer_id: int | None,
    message_id: int | None,
    data: dict[str, Any],
) -> dict[str, Any]:
    return {
        "created_at": utcnow(),
        "kind": str(kind),
        "ticket_id": ticket_id,
        "customer_id": customer_id,
        "message_id": message_id,
        "actor_type": str(actor.type),
        "actor_id": actor.id,
        "actor_name": actor.name,
        "automated": actor.automated,
        "data": data,
    }


class Committed(Protocol):
    """What the after-commit fan-out reads of an event: an ``Event`` row, or the plain record
    ``emit_many`` hands over (a thousand ORM objects would cost more than their INSERT)."""

    @property
    def id(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def ticket_id(self) -> int | None: ...
    @property
    def customer_id(self) -> int | None: ...
    @property
    def message_id(self) -> int | None: ...


@dataclass(frozen=True, slots=True)
class Recorded:
    """An event ``emit_many`` or ``record`` stored, as the fan-out sees it (the realtime
    stream reads some kinds' payloads: a status change's ``before``)."""

    id: int
    kind: str
    ticket_id: int | None
    customer_id: int | None
    message_id: int | None
    data: dict[str, Any]


@dataclass(frozen=True)
class Pending:
    """One event of an ``emit_many`` batch: what ``emit`` takes besides the kind and actor."""

    data: dict[str, Any]
    ticket_id: int | None = None
    customer_id: int | None = None
    message_id: int | None = None


def emit_many(
    session: Session, kind: EventKind, actor: Actor, batch: Sequence[Pending]
) -> list[int]:
    """``emit`` for many events of one kind at once: one multi-row INSERT instead of an ORM
    flush per event (a sweep that breaches a thousand timers spent most of its time there).
    The events are the same rows, published and dispatched after commit like ``emit``'s;
    they are not in the session's identity map. Returns their ids, ascending."""
    kind = check_kind(kind)
    if _strict:
        for item in batch:
            _checked(kind, item.data)
    rows = [
        _row(kind, actor, item.ticket_id, item.customer_id, item.message_id, item.data)
        for item in batch
    ]
    _release_deferred(session)
    return _insert(session, rows)


def _insert(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Insert event rows as one Core statement, handed to the after-commit fan-out like
    ``emit``'s; their ids, ascending."""
    if not rows:
        return []
    # The session flushes first so earlier ``emit`` events keep their order by id.
    session.flush()
    table = Event.__table__
    assert isinstance(table, Table)  # a declarative class's table, narrowed for the checker
    if assignable(session):
        # SQLite, holding the write lock: the ids are chosen here, the ones SQLite would
        # give (``batch_ids``), so the rows go in as a plain executemany with nothing to
        # read back, and the fan-out takes each event's payload as given, not parsed again.
        ids = take_ids(session, Event, len(rows))
        for event_id, row in zip(ids, rows, strict=True):
            row["id"] = event_id
        session.execute(insert(table), rows)
        _pending(session).extend(
            Recorded(
                r["id"], r["kind"], r["ticket_id"], r["customer_id"], r["message_id"], r["data"]
            )
            for r in rows
        )
        return list(ids)
    # A Core executemany with RETURNING, sent as batched multi-row INSERTs on SQLite and
    # PostgreSQL. Each returned row names its own kind, ticket, message and payload, so the
    # fan-out needs no promise about the order rows come back in (asking for one,
    # ``sort_by_parameter_order``, makes SQLite insert row by row); the table, not the ORM
    # entity, skips the ORM's per-row bookkeeping.
    c = table.c
    statement = insert(table).returning(
        c.id, c.kind, c.ticket_id, c.customer_id, c.message_id, c.data
    )
    stored = sorted(session.execute(statement, rows).all(), key=lambda row: int(row[0]))
    _pending(session).extend(Recorded(*row) for row in stored)
    return [row[0] for row in stored]


Publisher = Callable[[Sequence[Committed]], None]
_publishers: list[Publisher] = []


def set_publisher(publisher: Publisher | None) -> None:
    """Hand every committed event to ``publisher`` as well (the realtime fan-out installs
    one); None stops it. One at a time: a process publishes to one broker."""
    _publishers[:] = [publisher] if publisher is not None else []


def _after_commit(events: list[Committed]) -> None:
    for publish in _publishers:
        try:
            publish(events)
        except Exception:
            # The transaction has committed: a lost live notice must not turn it into an
            # error for the caller (agents' screens catch up when they reload).
            log.exception("publishing %d events failed", len(events))
    # Always queued, even if this process registered no listeners: the worker that runs the
    # job loads every feature (``minidesk.features``) and may have some.
    ids = [event.id for event in events]
    events.clear()
    hints.events_committed(ids)
