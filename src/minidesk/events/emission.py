"""Writing events: ``emit`` and ``emit_many`` in the caller's transaction, strict-mode payload
checks, and after commit the hand-off to the realtime publisher and the listener jobs."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from minidesk import hints
from minidesk.db import on_commit, utcnow
from minidesk.event_kinds import EventKind, check_kind, payload_problems
from minidesk.events.model import Actor, Event

log = logging.getLogger(__name__)

# In ``session.info``: the events of this transaction, handed on after commit (``dispatch``
# drops those of a listener whose savepoint rolled back).
PENDING = "minidesk.events.pending"


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
    kind = check_kind(kind)
    if _strict and (problems := payload_problems(kind, data)):
        violations.append(f"{kind} payload: {'; '.join(problems)}")
        raise PayloadError(violations[-1])
    event = Event(
        kind=str(kind),
        ticket_id=ticket_id,
        customer_id=customer_id,
        message_id=message_id,
        actor_type=actor.type,
        actor_id=actor.id,
        actor_name=actor.name,
        automated=actor.automated,
        data=data,
    )
    session.add(event)
    pending: list[Committed] = session.info.setdefault(PENDING, [])
    if not pending:
        on_commit(session, lambda: _after_commit(pending))
    pending.append(event)
    return event


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
    """An event ``emit_many`` stored, as the fan-out sees it."""

    id: int
    kind: str
    ticket_id: int | None
    customer_id: int | None
    message_id: int | None


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
    if not batch:
        return []
    if _strict:
        for item in batch:
            if problems := payload_problems(kind, item.data):
                violations.append(f"{kind} payload: {'; '.join(problems)}")
                raise PayloadError(violations[-1])
    # The session flushes first so earlier ``emit`` events keep their order by id.
    session.flush()
    now = utcnow()
    rows = [
        {
            "created_at": now,
            "kind": str(kind),
            "ticket_id": item.ticket_id,
            "customer_id": item.customer_id,
            "message_id": item.message_id,
            "actor_type": str(actor.type),
            "actor_id": actor.id,
            "actor_name": actor.name,
            "automated": actor.automated,
            "data": item.data,
        }
        for item in batch
    ]
    # A Core executemany with RETURNING, sent as batched multi-row INSERTs on SQLite and
    # PostgreSQL. Each returned row names its own ticket and message, so the fan-out needs no
    # promise about the order rows come back in (asking for one, ``sort_by_parameter_order``,
    # makes SQLite insert row by row); the table, not the ORM entity, skips the ORM's per-row
    # bookkeeping.
    table = Event.__table__
    assert isinstance(table, Table)  # a declarative class's table, narrowed for the checker
    c = table.c
    statement = insert(table).returning(c.id, c.ticket_id, c.customer_id, c.message_id)
    stored = sorted(session.execute(statement, rows).all(), key=lambda row: int(row[0]))
    pending: list[Committed] = session.info.setdefault(PENDING, [])
    if not pending:
        on_commit(session, lambda: _after_commit(pending))
    pending.extend(Recorded(row[0], str(kind), row[1], row[2], row[3]) for row in stored)
    ids = [row[0] for row in stored]
    return ids


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
