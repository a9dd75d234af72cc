"""Running listeners: ``dispatch_many`` claims a batch of committed events once and runs the
listeners of each, in savepoints, with what they may share per batch (``mark``, ``batch``,
``in_batch``)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import text, update
from sqlalchemy.orm import Session

from minidesk.db import ON_COMMIT_HOOKS, utcnow
from minidesk.event_kinds import EventKind
from minidesk.events.emission import PENDING, Committed, emit
from minidesk.events.model import SYSTEM, Event
from minidesk.events.registry import Listener, registered_for

log = logging.getLogger(__name__)

# The events ``dispatch_many`` is running listeners for (see ``batch``).
_BATCH = "minidesk.events.batch"


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
    _hold_tickets(session, won.values())
    previous = session.info.get(_BATCH)
    session.info[_BATCH] = _Batch(won)
    try:
        shared: list[tuple[Event, Listener]] = []
        for event_id in ids:
            if (event := won.get(event_id)) is None:
                continue
            for entry in registered_for(event):
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


def _hold_tickets(session: Session, events: Iterable[Event]) -> None:
    """On PostgreSQL, lock the rows of the tickets these events are about until the batch
    commits, so that two workers' batches never run listeners on one ticket at once: a
    recovery sweep queues a backlog in id order, and one ticket's events can straddle two
    batches that two threads take together. Without the lock both read the ticket's SLA
    state, found none, and both inserted it (or one overwrote the other's change). Locked
    in id order, so dispatchers cannot deadlock each other. SQLite has one writer anyway."""
    if session.get_bind().dialect.name != "postgresql":
        return
    ticket_ids = sorted({e.ticket_id for e in events if e.ticket_id is not None})
    if ticket_ids:
        session.execute(
            text("SELECT id FROM tickets WHERE id = ANY(:ids) ORDER BY id FOR UPDATE"),
            {"ids": ticket_ids},
        )


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
    pending: list[Committed] = session.info.setdefault(PENDING, [])
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
