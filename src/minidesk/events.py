"""The append-only event log: ticket timeline, audit trail, and the source of listener jobs.

Every state change calls ``emit()`` in the transaction that makes it. After that transaction
commits, the new events are handed to the realtime publisher (``set_publisher``) and the job
queue; ``dispatch_many()`` claims a batch of
events once (one conditional UPDATE, so several workers can run) and calls the listeners
registered for each event's kind, each in a savepoint so one failing listener cannot undo
another's work.

Kinds come from the catalogue in ``minidesk.event_kinds``: ``emit()`` and ``listen()`` refuse
any other, always, because a kind nobody catalogued is a typo that would otherwise make a rule
or listener silently never fire (a set lookup, so production pays nothing for it). Payloads
are checked against the catalogue's schemas only in strict mode (the test suite turns it on
with ``set_strict``), since that check costs more than the event itself.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from sqlalchemy import ColumnElement, ForeignKey, Index, String, Table, insert, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from minidesk import hints
from minidesk.db import ON_COMMIT_HOOKS, Base, on_commit, utcnow
from minidesk.event_kinds import EventKind, check_kind, payload_problems

if TYPE_CHECKING:
    from minidesk.desk.models import Message

log = logging.getLogger(__name__)


class ActorType(StrEnum):
    USER = "user"
    CUSTOMER = "customer"
    SYSTEM = "system"
    AUTOMATION = "automation"


@dataclass(frozen=True)
class Actor:
    """Who caused a change. Automation actors mark their events so listeners skip them."""

    type: ActorType
    id: int | None = None
    name: str = ""

    @property
    def automated(self) -> bool:
        return self.type in (ActorType.AUTOMATION, ActorType.SYSTEM)


SYSTEM = Actor(ActorType.SYSTEM, name="system")


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_ticket", "ticket_id", "id"),
        Index("ix_events_customer", "customer_id", "id"),
        Index("ix_events_undispatched", "dispatched_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    kind: Mapped[str] = mapped_column(String(64), index=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    actor_type: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None]
    actor_name: Mapped[str] = mapped_column(String(200), default="")
    automated: Mapped[bool] = mapped_column(default=False)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # The only column ever updated: set once, when the event has been handed to its listeners.
    dispatched_at: Mapped[dt.datetime | None]
    # Never loaded: it tells the flush that a message goes in before the events about it.
    # A reply's id is chosen before its row is flushed (``batch_ids.ensure_id``), so both
    # can be in one flush, and SQLite checks the foreign key at once.
    message: Mapped[Message | None] = relationship(lazy="raise")


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
    pending: list[Committed] = session.info.setdefault(_PENDING, [])
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
    pending: list[Committed] = session.info.setdefault(_PENDING, [])
    if not pending:
        on_commit(session, lambda: _after_commit(pending))
    pending.extend(Recorded(row[0], str(kind), row[1], row[2], row[3]) for row in stored)
    ids = [row[0] for row in stored]
    return ids


def changed(before: Any, after: Any) -> dict[str, Any]:
    return {"before": before, "after": after}


_PENDING = "minidesk.events.pending"
# The events ``dispatch_many`` is running listeners for (see ``batch``).
_BATCH = "minidesk.events.batch"
Listener = Callable[[Session, Event], None]


class Registered(NamedTuple):
    fn: Listener
    automated: bool  # hears events that automation caused
    transactional: bool  # may share a savepoint: see ``listen``


_listeners: dict[str, list[Registered]] = defaultdict(list)


ALL = "*"


def listen(
    *kinds: EventKind | str, automated: bool = False, transactional: bool = False
) -> Callable[[Listener], Listener]:
    """Register a listener for event kinds (``ALL`` for every kind). ``automated=True`` opts
    in to events that automation itself caused; by default those are skipped, which breaks
    loops. An uncatalogued kind raises ``ValueError`` at import, not silence at run time.

    ``transactional=True`` promises that everything the listener does is in the transaction
    (rows, ``memo``, ``on_commit`` hooks, calls keyed for idempotency), so rolling it back
    and running it again leaves no trace of the first run: such listeners share one savepoint
    per dispatch batch instead of one each per event (see ``dispatch_many``)."""
    checked = [kind if kind == ALL else str(check_kind(kind)) for kind in kinds]

    def register(fn: Listener) -> Listener:
        for kind in checked:
            _listeners[kind].append(Registered(fn, automated, transactional))
        return fn

    return register


def _registered_for(event: Event) -> list[Registered]:
    found = [*_listeners.get(event.kind, []), *_listeners.get(ALL, [])]
    return [entry for entry in found if entry.automated or not event.automated]


def listeners_for(event: Event) -> list[Listener]:
    return [entry.fn for entry in _registered_for(event)]


def listened_kinds() -> frozenset[str]:
    """Every kind some listener is registered for (``ALL`` included when one listens to all)."""
    return frozenset(kind for kind, found in _listeners.items() if found)


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


def dispatch(session: Session, event_id: int) -> bool:
    """Run the listeners of one event exactly once; False if another worker already did."""
    return dispatch_many(session, [event_id]) == 1


def dispatch_many(session: Session, event_ids: Sequence[int]) -> int:
    """Run the listeners of each event in ``event_ids`` exactly once, in the order given;
    returns how many this call dispatched (an event another worker claimed is skipped).

    One conditional UPDATE claims the whole batch and returns the rows it won, so a batch
    costs one statement however many events it holds. Listeners run event by event in
    registration order; consecutive transactional ones share a savepoint (``_run_shared``),
    any other runs in its own, and either way one failing listener undoes only its own work.
    The claims commit with the listeners' work: if the transaction fails, every event in it
    stays undispatched for a retry or the sweep.
    """
    ids = list(dict.fromkeys(event_ids))  # a repeated id must not run its listeners twice
    if not ids:
        return 0
    claimed = session.scalars(
        update(Event)
        .where(Event.id.in_(ids), Event.dispatched_at.is_(None))
        .values(dispatched_at=utcnow())
        .returning(Event),
        execution_options={"synchronize_session": False},
    )
    won = {event.id: event for event in claimed}
    previous = session.info.get(_BATCH)
    session.info[_BATCH] = _Batch(won)
    try:
        shared: list[tuple[Event, Listener]] = []
        for event_id in ids:
            if (event := won.get(event_id)) is None:
                continue
            for entry in _registered_for(event):
                if entry.transactional:
                    shared.append((event, entry.fn))
                    continue
                _run_shared(session, shared)  # in order: what came before runs first
                shared = []
                _run_one(session, event, entry.fn)
        _run_shared(session, shared)
    finally:
        session.info[_BATCH] = previous
    return len(won)


def _run_shared(session: Session, calls: list[tuple[Event, Listener]]) -> None:
    """Transactional listeners' calls in one savepoint; if one raises, none of it is kept
    and each call runs again in a savepoint of its own, so the batch ends exactly as if they
    had had their own all along.

    A savepoint per listener and event was most of what dispatching cost: a SAVEPOINT, a
    flush and a RELEASE for each of ~8 listeners of each event. Listeners rarely fail, so
    the usual batch pays for one; a failure pays for the batch's work twice."""
    if len(calls) < 2:
        for event, listener in calls:
            _run_one(session, event, listener)
        return
    try:
        with _savepoint(session):
            for event, listener in calls:
                listener(session, event)
    except Exception:
        log.info("a listener failed in a shared savepoint: running %d calls alone", len(calls))
        for event, listener in calls:
            _run_one(session, event, listener)


class _Batch:
    """The events one ``dispatch_many`` call is running listeners for, and what listeners
    noted about them (``mark``)."""

    def __init__(self, events: dict[int, Event]) -> None:
        self.events = list(events.values())
        self.about_message = {(e.kind, e.message_id): e for e in reversed(self.events)}
        self.marks: dict[str, object] = {}


def mark(session: Session, key: str, value: object) -> None:
    """Note ``value`` under ``key`` for the rest of this dispatch batch (nothing outside
    one). A savepoint that rolls back forgets what was noted inside it, as it forgets the
    rows, so a transactional listener may keep a "done for the whole batch" note here
    (``session.info`` would outlive the rolled-back work it describes)."""
    current: _Batch | None = session.info.get(_BATCH)
    if current is not None:
        current.marks[key] = value


def marked(session: Session, key: str) -> object | None:
    """What ``mark`` noted under ``key`` in this dispatch batch, if anything."""
    current: _Batch | None = session.info.get(_BATCH)
    return current.marks.get(key) if current is not None else None


def batch(session: Session) -> list[Event]:
    """The events this session is dispatching right now, so a listener can load what all of
    them need at once instead of once per event (empty outside ``dispatch_many``)."""
    current: _Batch | None = session.info.get(_BATCH)
    return current.events if current is not None else []


def in_batch(session: Session, kind: EventKind, message_id: int) -> Event | None:
    """An event of ``kind`` about ``message_id`` that this session is dispatching right now,
    if any: a listener reads it here instead of querying for it (events never change)."""
    current: _Batch | None = session.info.get(_BATCH)
    return current.about_message.get((kind, message_id)) if current is not None else None


@contextmanager
def _savepoint(session: Session) -> Iterator[None]:
    """A savepoint for listener work. If it raises, the after-commit hooks, events and
    batch marks registered inside it are forgotten too: they belong to work that never
    happened."""
    hooks: list[object] = session.info.setdefault(ON_COMMIT_HOOKS, [])
    pending: list[Committed] = session.info.setdefault(_PENDING, [])
    lengths = len(hooks), len(pending)
    current: _Batch | None = session.info.get(_BATCH)
    noted = dict(current.marks) if current is not None else {}
    try:
        with session.begin_nested():
            yield
    except Exception:
        del hooks[lengths[0] :], pending[lengths[1] :]
        if current is not None:
            current.marks = noted
        raise


def _run_one(session: Session, event: Event, listener: Listener) -> None:
    """One listener on one event in a savepoint of its own; a failure is recorded."""
    try:
        with _savepoint(session):
            listener(session, event)
    except Exception as exc:
        # Recorded on the timeline so an admin sees it; the event stays dispatched because
        # re-running the other listeners would repeat their work.
        log.exception("listener %s failed on event %s", listener.__qualname__, event.id)
        emit(
            session,
            EventKind.LISTENER_FAILED,
            SYSTEM,
            ticket_id=event.ticket_id,
            event_id=event.id,
            listener=listener.__qualname__,
            error=repr(exc)[:500],
        )


def undispatched(session: Session, older_than: dt.datetime, limit: int = 500) -> list[int]:
    rows = session.scalars(
        select(Event.id)
        .where(Event.dispatched_at.is_(None), Event.created_at < older_than)
        .order_by(Event.id)
        .limit(limit)
    )
    return list(rows)


def timeline(
    session: Session,
    *,
    ticket_id: int | None = None,
    customer_ids: list[int] | None = None,
    after_id: int = 0,
    limit: int = 100,
    visible: ColumnElement[bool] | None = None,
) -> list[Event]:
    """Events oldest first; ``visible`` narrows them to what the reader may see (see
    ``desk.access.visible_events``)."""
    query = select(Event).where(Event.id > after_id).order_by(Event.id).limit(limit)
    if visible is not None:
        query = query.where(visible)
    if ticket_id is not None:
        query = query.where(Event.ticket_id == ticket_id)
    if customer_ids is not None:
        query = query.where(Event.customer_id.in_(customer_ids))
    return list(session.scalars(query))
