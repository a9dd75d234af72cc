"""Where accepted inbox rows wait until a worker processes them: one interface, two stores.

``TableStore`` puts them straight into the inbox table (PostgreSQL, whose writers do not
exclude each other); ``spool.Spool`` keeps them in a file beside a SQLite database until the
transaction that processes them takes them in. The pipeline, the jobs and the metrics ask
``store_of(db)`` and never know which one they have.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk import hints
from minidesk.db import Database, on_commit, upsert_insert
from minidesk.inbox import (
    Accepted,
    InboxItem,
    InboxStatus,
    Key,
    Row,
    known,
    pending_ids,
    pending_payloads,
)


@dataclass(frozen=True)
class Batch:
    """Rows a worker is about to process: the payloads of the pending ones, and whatever must
    move into the inbox table in the processing transaction (``InboxStore.take_in``)."""

    payloads: dict[int, dict[str, Any]]
    moving: list[Row] = field(default_factory=list)


class Watcher(Protocol):
    def wait(self, timeout: float) -> bool:
        """Block until something changed (in any process) or ``timeout``; True if it did."""

    def close(self) -> None: ...


class InboxStore(Protocol):
    """Where accepted rows wait until a worker processes them."""

    def accept_many(self, rows: Mapping[Key, Row]) -> dict[Key, Accepted]:
        """Store new rows durably in one transaction (and hint them); every key's answer,
        a duplicate for a key seen before."""

    def take_batch(self, inbox_ids: Sequence[int]) -> Batch:
        """What processing ``inbox_ids`` needs, read outside any write transaction."""

    def take_in(self, session: Session, batch: Batch) -> None:
        """Inside the processing transaction: make ``batch``'s rows inbox rows."""

    def waiting(self, inbox_id: int) -> Row | None:
        """A row accepted but not in the inbox table yet (its status and payload)."""

    def newer(self, after: int, limit: int) -> list[int]:
        """Ids above ``after`` waiting to be taken in, in order (for a watching worker)."""

    def stale(self, received_before: dt.datetime, limit: int = 1000) -> list[int]:
        """Rows a lost hint may have left behind, for the sweep to queue again."""

    def pending_count(self) -> int:
        """Accepted rows not yet in the inbox table."""

    def tidy(self) -> None:
        """Housekeeping the sweep runs in case the accepting process is gone."""

    def drain_lock(self) -> Path | None:
        """Where workers find new rows by watching (``arrivals``) rather than by hints: the
        file a process holds while it does (one at a time). None where hints carry them."""

    def arrivals(self) -> Watcher | None:
        """A watcher for new rows from any process (one per thread), where ``drain_lock``."""

    def commits(self) -> Watcher | None:
        """A watcher for processing commits from any process; None where there is none."""

    def committed(self) -> None:
        """Called after a processing transaction commits (wakes this process's watchers)."""


class TableStore:
    """Accepted rows go straight into the inbox table (PostgreSQL: writers do not exclude
    each other, so an accept never waits behind a worker's batch). Each is hinted."""

    def __init__(self, db: Database) -> None:
        self.db = db

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
            for answer in answers.values():
                if answer.status == InboxStatus.PENDING:
                    on_commit(session, partial(hints.inbox_accepted, answer.inbox_id))
            answers.update(known(session, [key for key in rows if key not in answers]))
            return answers

    def take_batch(self, inbox_ids: Sequence[int]) -> Batch:
        return Batch(pending_payloads(inbox_ids, self.db))

    def take_in(self, session: Session, batch: Batch) -> None:
        pass  # they are inbox rows already

    def waiting(self, inbox_id: int) -> Row | None:
        return None

    def newer(self, after: int, limit: int) -> list[int]:
        with self.db.sessions() as session:
            return list(
                session.scalars(
                    select(InboxItem.id)
                    .where(InboxItem.status == InboxStatus.PENDING, InboxItem.id > after)
                    .order_by(InboxItem.id)
                    .limit(limit)
                )
            )

    def stale(self, received_before: dt.datetime, limit: int = 1000) -> list[int]:
        with self.db.sessions() as session:
            return pending_ids(session, received_before, limit)

    def pending_count(self) -> int:
        return 0

    def tidy(self) -> None:
        pass

    def drain_lock(self) -> Path | None:
        return None

    def arrivals(self) -> Watcher | None:
        return None

    def commits(self) -> Watcher | None:
        return None

    def committed(self) -> None:
        pass


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
        return _stores.setdefault(db.url, TableStore(db))
