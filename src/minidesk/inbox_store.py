"""Where accepted inbox rows wait until a worker processes them: one interface, two stores.

``TableStore`` puts them straight into the inbox table (PostgreSQL, whose writers do not
exclude each other); ``spool.Spool`` keeps them in a file beside a SQLite database until the
transaction that processes them takes them in. The pipeline, the jobs and the metrics ask
``store_of(db)`` and never know which one they have.

Either way one worker process at a time *drains* the store (``jobs.drain``, holding the
store's ``drain_lock``): it wakes on every accept (``arrivals``) and processes what waits in
batches, while a web process waiting to answer with a ticket number wakes on every
processing commit (``commits``). The spool rings them (``doorbell``); the table uses
PostgreSQL ``LISTEN``/``NOTIFY`` (``pg_wake``).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk import hints, pg_wake
from minidesk.db import Database, on_commit, upsert_insert
from minidesk.inbox import (
    Accepted,
    InboxItem,
    InboxStatus,
    Key,
    Row,
    claim,
    known,
    pending_ids,
    pending_payloads,
    states,
)
from minidesk.settings import get_settings


@dataclass(frozen=True)
class Batch:
    """Rows a worker is about to process: the payloads of the pending ones, and whatever must
    move into the inbox table in the processing transaction (``InboxStore.claim``)."""

    payloads: dict[int, dict[str, Any]]
    moving: list[Row] = field(default_factory=list)


class Watcher(Protocol):
    def wait(self, timeout: float) -> bool:
        """Block until something changed (in any process) or ``timeout``; True if it did."""

    def close(self) -> None: ...


class StateReader(Protocol):
    """Reads, for one thread that asks after every processing commit (a web process's
    waiting requests), on a connection of its own."""

    def states(self, inbox_ids: Sequence[int]) -> dict[int, Accepted]:
        """Where those of ``inbox_ids`` the inbox table holds stand now (one query)."""

    def close(self) -> None: ...


class DrainLock(Protocol):
    """Held by the one process that drains a store; freed by the system if it dies."""

    def take(self) -> bool:
        """Take it if free; True if this process holds it now."""

    def release(self) -> None: ...


class FileLock:
    """An exclusive ``flock`` on a file beside the database: the kernel frees it when its
    holder dies, so another process on this machine takes over."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def __str__(self) -> str:
        return str(self.path)

    def take(self) -> bool:
        if self._fd is not None:
            return True
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # releases the flock
            self._fd = None


class InboxStore(Protocol):
    """Where accepted rows wait until a worker processes them."""

    # Whether ids become visible in id order, so that a drainer can follow with a cursor
    # (SQLite: one writer at a time); else it rescans every pending row it is not busy with.
    ordered: bool

    def accept_many(self, rows: Mapping[Key, Row]) -> dict[Key, Accepted]:
        """Store new rows durably in one transaction (and hint them); every key's answer,
        a duplicate for a key seen before."""

    def take_batch(self, inbox_ids: Sequence[int]) -> Batch:
        """What processing ``inbox_ids`` needs, read outside any write transaction."""

    def claim(self, session: Session, batch: Batch, inbox_ids: Sequence[int]) -> set[int]:
        """Inside the processing transaction: make ``batch``'s rows inbox rows (and have its
        commit wake the ``commits`` watchers, where the store does that in-transaction),
        and claim those of ``inbox_ids`` that are pending (``inbox.claim``); the ids won."""

    def waiting(self, inbox_id: int) -> Row | None:
        """A row accepted but not in the inbox table yet (its status and payload)."""

    def newer(self, after: int, limit: int) -> list[int]:
        """Ids above ``after`` waiting for their first attempt, in order (for a draining
        worker; rows a failed attempt left pending are the sweep's)."""

    def stale(self, received_before: dt.datetime, limit: int | None = 1000) -> list[int]:
        """Rows a lost hint may have left behind, for the sweep to queue again."""

    def pending_count(self) -> int:
        """Accepted rows not yet in the inbox table."""

    def tidy(self) -> None:
        """Housekeeping the sweep runs in case the accepting process is gone."""

    def drain_lock(self) -> DrainLock | None:
        """Where workers find new rows by watching (``arrivals``) rather than by hints: the
        lock a process holds while it does (one at a time). None where hints carry them."""

    def arrivals(self) -> Watcher | None:
        """A watcher for new rows from any process (one per thread), where ``drain_lock``."""

    def commits(self) -> Watcher | None:
        """A watcher for processing commits from any process; None where there is none."""

    def committed(self) -> None:
        """Called after a processing transaction commits (wakes this process's watchers)."""

    def state_reader(self) -> StateReader:
        """A reader of where inbox rows stand, for the thread that watches ``commits``."""


class TableStates:
    """``inbox.states`` as a ``StateReader``: on the database's pooled connections."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def states(self, inbox_ids: Sequence[int]) -> dict[int, Accepted]:
        return states(inbox_ids, self.db)

    def close(self) -> None:
        pass


class TableStore:
    """Accepted rows go straight into the inbox table (PostgreSQL: writers do not exclude
    each other, so an accept never waits behind a worker's batch).

    On PostgreSQL the accepting transaction ``NOTIFY``s the draining worker and every
    processing transaction ``NOTIFY``s the web processes waiting for tickets (``pg_wake``,
    on channels named after ``channel``), so the default inbound path answers when the
    batch that took its row has committed, as on SQLite. Elsewhere (a SQLite database in
    memory, which has no file to spool beside) each accepted row is hinted to the jobs."""

    def __init__(self, db: Database, channel: str) -> None:
        self.db = db
        self._watched = db.engine.dialect.name == "postgresql"
        # Concurrent accepts commit out of id order: a drainer cannot follow with a cursor.
        self.ordered = not self._watched
        self._arrivals = pg_wake.channel_name(channel, "inbox")
        self._commits = pg_wake.channel_name(channel, "inbox-done")

    def accept_many(self, rows: Mapping[Key, Row]) -> dict[Key, Accepted]:
        with self.db.transaction() as session:
            inserted = session.execute(
                upsert_insert(session, InboxItem)
                .on_conflict_do_nothing(index_elements=["channel_id", "external_id"])
                .returning(InboxItem.id, InboxItem.channel_id, InboxItem.external_id),
                list(rows.values()),
            )
            answers = {
                (channel, key): Accepted(inbox_id, False, rows[channel, key]["status"])
                for inbox_id, channel, key in inserted
            }
            fresh = [a.inbox_id for a in answers.values() if a.status == InboxStatus.PENDING]
            if fresh and self._watched:
                pg_wake.notify(session, self._arrivals)
            for inbox_id in fresh:
                # A drainer needs no hint (``jobs`` drops it); one that runs jobs at once does.
                on_commit(session, partial(hints.inbox_accepted, inbox_id))
            answers.update(known(session, [key for key in rows if key not in answers]))
            return answers

    def take_batch(self, inbox_ids: Sequence[int]) -> Batch:
        return Batch(pending_payloads(inbox_ids, self.db))

    def claim(self, session: Session, batch: Batch, inbox_ids: Sequence[int]) -> set[int]:
        # The rows are inbox rows already; the commit is what waiting requests listen for.
        if self._watched:
            pg_wake.notify(session, self._commits)
        return claim(session, inbox_ids)

    def waiting(self, inbox_id: int) -> Row | None:
        return None

    def newer(self, after: int, limit: int) -> list[int]:
        with self.db.sessions() as session:
            return list(
                session.scalars(
                    select(InboxItem.id)
                    .where(
                        InboxItem.status == InboxStatus.PENDING,
                        InboxItem.id > after,
                        InboxItem.attempts == 0,
                    )
                    .order_by(InboxItem.id)
                    .limit(limit)
                )
            )

    def stale(self, received_before: dt.datetime, limit: int | None = 1000) -> list[int]:
        with self.db.sessions() as session:
            return pending_ids(session, received_before, limit)

    def pending_count(self) -> int:
        return 0

    def tidy(self) -> None:
        pass

    def drain_lock(self) -> DrainLock | None:
        # A lock of its own per drainer, so that two in one process exclude each other too.
        return pg_wake.AdvisoryLock(self.db.url, self._arrivals) if self._watched else None

    def arrivals(self) -> Watcher | None:
        return pg_wake.Listener(self.db.url, self._arrivals) if self._watched else None

    def commits(self) -> Watcher | None:
        return pg_wake.Listener(self.db.url, self._commits) if self._watched else None

    def committed(self) -> None:
        pass  # the transaction itself notified

    def state_reader(self) -> StateReader:
        return TableStates(self.db)


_stores: dict[str, InboxStore] = {}
_stores_lock = threading.Lock()


def store_of(db: Database) -> InboxStore:
    """The store of ``db``'s accepted rows, one per process: the spool on a SQLite file,
    the inbox table itself elsewhere."""
    # Imported here: the spool builds on this module.
    from minidesk import spool

    found = spool.spool_of(db)
    if found is not None:
        return found
    with _stores_lock:
        if (store := _stores.get(db.url)) is None:
            channel = get_settings().realtime_channel
            store = _stores[db.url] = TableStore(db, channel)
        return store
