"""On SQLite, accepted messages wait in a file of their own until a worker takes them in.

SQLite has one writer per file. If accepts wrote the main database they would queue behind
the workers' processing transactions (across processes, behind SQLite's sleep-polling busy
handler too), so a 202 would wait tens of milliseconds for somebody else's batch. The spool is
a second file written only by the process that accepts: its group-committed accepts, and a
housekeeping thread that forgets what the inbox holds. An accept waits for
another accept at most; workers only read here.

A spooled row moves to the main inbox, under the same id, inside the transaction that
processes it (``take_in``); the housekeeper forgets it once the inbox has its key. Until
then a second attempt (a sweep, a redelivered hint) finds it taken in and does nothing. Ids
come from this file's AUTOINCREMENT sequence, kept above every id the inbox holds, so they are
never reused, and they become visible in order (one writer at a time), so a worker can
follow the file with a cursor. PostgreSQL needs no spool: its writers do not exclude each
other.

The ``Spool`` is the SQLite ``inbox_store.InboxStore``. Workers do not wait for hints, nor poll:
a process that spools rows rings the draining worker's threads (``arrivals``, a ``doorbell``
datagram after each accept's commit), and the worker rings the web processes waiting for a
message's ticket (``commits``) after each processing commit, so either side spends nothing
while the other is quiet. A ring is a hint: a worker's thread also looks at the spool's
``PRAGMA data_version`` (which moves whenever another connection, in any process, commits to
the file) every ``UNRUNG_POLL``, for accepts from a process its rings cannot reach. Where
there is no doorbell (not Linux) both sides watch ``data_version`` every millisecond instead,
and within one process a condition variable wakes a watcher at once.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from sqlalchemy import (
    JSON,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    bindparam,
    delete,
    func,
    select,
    text,
)
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from minidesk import doorbell, hints, inbox, wal_checkpoints
from minidesk.db import Database, UTCDateTime, make_engine
from minidesk.inbox import Accepted, InboxStatus, Key, Row, key_params
from minidesk.inbox_store import Batch, FileLock, StateReader
from minidesk.spool_reads import KnownKeys
from minidesk.write_gates import database_path

log = logging.getLogger(__name__)
HOUSEKEEPING_SECONDS = 0.5
# How often a watcher looks at ``PRAGMA data_version``: a few microseconds a look, and the
# most a cross-process wake-up adds to a message's latency.
WATCH_POLL = 0.001
WATCH_POLL_QUIET = 0.008
# ... and only after this long without a change is it quiet: a worker between two batches of
# a busy default path waits a few milliseconds for the next accept, which backing off from
# the first look on would notice up to 8 ms late (a closed loop's every round).
QUIET_AFTER = 0.1
# Where a doorbell rings a worker's threads, how often they look at ``data_version`` all the
# same: what an accept from another network namespace (a container; abstract sockets are
# per namespace) waits at most, and 20 cheap reads a second per idle thread.
UNRUNG_POLL = 0.05

metadata = MetaData()
spooled = Table(
    "spool",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("channel", String(16), nullable=False),
    Column("channel_id", Integer, nullable=False),
    Column("external_id", String(998), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("status", String(16), nullable=False),
    Column("error", Text),
    Column("received_at", UTCDateTime, nullable=False),
    UniqueConstraint("channel_id", "external_id"),
    sqlite_autoincrement=True,
)
# Built once: every accept runs these, and building a statement costs more than running it.
_PUT = (
    sqlite.insert(spooled)
    .on_conflict_do_nothing()
    .returning(spooled.c.id, spooled.c.channel_id, spooled.c.external_id)
)
# Both key columns, so the unique index answers rather than a scan of the file.
_FIND = select(spooled.c.id, spooled.c.channel_id, spooled.c.external_id).where(
    spooled.c.channel_id.in_(bindparam("channels", expanding=True)),
    spooled.c.external_id.in_(bindparam("keys", expanding=True)),
)
_TAKEN_IN = text(
    "SELECT channel_id, external_id FROM inbox "
    "WHERE channel_id IN :channels AND external_id IN :keys"
).bindparams(bindparam("channels", expanding=True), bindparam("keys", expanding=True))
_NEWER = select(spooled.c.id).where(spooled.c.id > bindparam("after")).order_by(spooled.c.id)
_ROWS = select(spooled).where(spooled.c.id.in_(bindparam("ids", expanding=True)))


def _drop_empty_pre_channel_spool(engine: Engine) -> None:
    """A spool file from before channel instances keys rows by kind; empty, it is remade.
    With rows waiting, the previous version's worker must take them in first."""
    with engine.begin() as conn:
        columns = {row[1] for row in conn.exec_driver_sql("PRAGMA table_info(spool)")}
        if columns and "channel_id" not in columns:
            if conn.exec_driver_sql("SELECT count(*) FROM spool").scalar():
                raise RuntimeError(
                    "the inbox spool holds rows from before channel instances: run the "
                    "previous version's worker until it is empty, then upgrade"
                )
            conn.exec_driver_sql("DROP TABLE spool")


class Spool:
    ordered = True  # one writer at a time: ids become visible in order

    def __init__(self, path: Path, db: Database) -> None:
        self.path, self.db = path, db
        # Where the threads that wait for processing commits ring (``doorbell``).
        self._waiters = path.with_name(f"{path.name}.commit-waiters")
        # ... and where the threads that drain this spool wait for accepts.
        self._drainers = path.with_name(f"{path.name}.arrival-waiters")
        database = database_path(db.url)
        assert database is not None  # a spool exists only beside a database file
        self._known = KnownKeys(database)
        url = f"sqlite:///{path}"
        self.engine: Engine = make_engine(url)
        self.reader: Engine = make_engine(url, writer=False)
        _drop_empty_pre_channel_spool(self.engine)
        metadata.create_all(self.engine)
        self._keep_ids_above(db)
        self._closed = threading.Event()
        self._housekeeper: threading.Thread | None = None
        self._lock = threading.Lock()
        # This process's own accepts and commits wake its watchers without a poll.
        self._arrived, self._committed = threading.Condition(), threading.Condition()

    def _start_housekeeping(self) -> None:
        """In a process that accepts: prune from one thread of its own, so the spool's
        writes all come from this process (its accepts queue on an in-process lock, never on
        SQLite's sleep-polling busy handler behind another process)."""
        with self._lock:
            if self._housekeeper is None and not self._closed.is_set():
                self._housekeeper = threading.Thread(
                    target=self._keep_house, name="spool", daemon=True
                )
                self._housekeeper.start()

    def _keep_house(self) -> None:
        while not self._closed.wait(HOUSEKEEPING_SECONDS):
            try:
                self.prune()
            except Exception:  # the next round tries again; the spool only grows meanwhile
                log.warning("spool housekeeping failed", exc_info=True)

    def prune(self, limit: int = 5000) -> int:
        """Forget rows whose message the inbox holds now (a worker took it in, or it was a
        redelivery that raced its original); returns how many."""
        with self.reader.connect() as conn:
            waiting = conn.execute(
                select(spooled.c.id, spooled.c.channel_id, spooled.c.external_id)
                .order_by(spooled.c.id)
                .limit(limit)
            ).all()
        if not waiting:
            return 0
        with self.db.sessions() as session:
            params = key_params([(channel, key) for _, channel, key in waiting])
            known = {(channel, key) for channel, key in session.execute(_TAKEN_IN, params)}
        done = [row_id for row_id, channel, key in waiting if (channel, key) in known]
        self.remove(done)
        return len(done)

    def checkpoint(self) -> None:
        """At once, rather than when ``wal_checkpoints``' thread comes round to it."""
        wal_checkpoints.checkpoint(self.path)

    def _keep_ids_above(self, db: Database) -> None:
        """Start the sequence after the inbox's last id: a new spool file (first start, or
        an operator deleted it) must not hand out ids the inbox already has."""
        with db.sessions() as session:
            highest = session.scalar(text("SELECT max(id) FROM inbox")) or 0
        with self.engine.begin() as conn:
            current = conn.scalar(text("SELECT seq FROM sqlite_sequence WHERE name = 'spool'"))
            if current is None:
                conn.execute(
                    text("INSERT INTO sqlite_sequence (name, seq) VALUES ('spool', :seq)"),
                    {"seq": highest},
                )
            elif current < highest:
                conn.execute(
                    text("UPDATE sqlite_sequence SET seq = :seq WHERE name = 'spool'"),
                    {"seq": highest},
                )

    def put(self, rows: Sequence[Row]) -> dict[Key, int]:
        """Store ``rows`` in one transaction; the id of each (channel_id, external_id) stored
        now. Keys already spooled are left as they are and absent from the answer."""
        if not rows:
            return {}
        if self._housekeeper is None:
            self._start_housekeeping()
        with self.engine.begin() as conn:
            stored = {(c, k): i for i, c, k in conn.execute(_PUT, list(rows))}
        with self._arrived:
            self._arrived.notify_all()
        if stored:
            doorbell.ring(self._drainers)
        return stored

    def find(self, keys: Sequence[Key]) -> dict[Key, int]:
        """The ids of those keys that are waiting here."""
        if not keys:
            return {}
        with self.reader.connect() as conn:
            found = conn.execute(_FIND, key_params(keys))
            wanted = set(keys)
            return {(c, k): i for i, c, k in found if (c, k) in wanted}

    def rows(self, ids: Sequence[int]) -> dict[int, Row]:
        if not ids:
            return {}
        with self.reader.connect() as conn:
            found = conn.execute(_ROWS, {"ids": list(ids)}).mappings()
            return {row["id"]: dict(row) for row in found}

    def depth(self) -> int:
        with self.reader.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(spooled)) or 0)

    def remove(self, ids: Sequence[int]) -> None:
        """Forget these rows (only once the inbox holds their messages)."""
        if ids:
            with self.engine.begin() as conn:
                conn.execute(delete(spooled).where(spooled.c.id.in_(ids)))

    # The inbox_store.InboxStore interface.

    def accept_many(self, rows: Mapping[Key, Row]) -> dict[Key, Accepted]:
        """Known to the inbox already (processed, or taken in) → that row; else into the
        spool, where a key that is waiting already is a duplicate too."""
        answers = self._known.known(list(rows))
        fresh = self.put([row for key, row in rows.items() if key not in answers])
        for key, inbox_id in fresh.items():
            answers[key] = Accepted(inbox_id, False, rows[key]["status"])
            # Watching workers need no hint; one that runs jobs at once (tests) does.
            hints.inbox_accepted(inbox_id)
        waiting = [key for key in rows if key not in answers]
        for key, inbox_id in self.find(waiting).items():
            answers[key] = Accepted(inbox_id, True, InboxStatus.PENDING)
        return answers

    def take_batch(self, inbox_ids: Sequence[int]) -> Batch:
        spooled = self.rows(inbox_ids)
        if spooled:  # taken in already (the housekeeper forgets them a moment later)
            for inbox_id in inbox.held(list(spooled), self.db):
                del spooled[inbox_id]
        payloads = {
            inbox_id: row["payload"]
            for inbox_id, row in spooled.items()
            if row["status"] == InboxStatus.PENDING
        }
        rest = [inbox_id for inbox_id in inbox_ids if inbox_id not in spooled]
        payloads.update(inbox.pending_payloads(rest, self.db))
        return Batch(payloads, list(spooled.values()))

    def claim(self, session: Session, batch: Batch, inbox_ids: Sequence[int]) -> set[int]:
        # Rows moved in now are claimed as they go in; only the others need ``inbox.claim``
        # (a row a failed attempt left pending, or one taken in before a crash).
        won = inbox.take_in(session, batch.moving, inbox_ids)
        return won | inbox.claim(session, [i for i in inbox_ids if i not in won])

    def waiting(self, inbox_id: int) -> Row | None:
        return self.rows([inbox_id]).get(inbox_id)

    def newer(self, after: int, limit: int) -> list[int]:
        with self.reader.connect() as conn:
            return list(conn.scalars(_NEWER.limit(limit), {"after": after}))

    def stale(self, received_before: dt.datetime, limit: int | None = 1000) -> list[int]:
        # Spooled rows are found by the workers watching this file; only rows taken in
        # and still pending (a failed attempt) wait for a hint.
        with self.db.sessions() as session:
            return inbox.pending_ids(session, received_before, limit)

    def pending_count(self) -> int:
        return self.depth()

    def tidy(self) -> None:
        self.prune()

    def drain_lock(self) -> FileLock:
        return FileLock(self.path.with_name(f"{self.path.name}.drain.lock"))

    def arrivals(self) -> Watcher | RungWatcher:
        if doorbell.supported():
            return RungWatcher(doorbell.Doorbell(self._drainers), self.path)
        return Watcher(self.path, self._arrived)

    def commits(self) -> Watcher | doorbell.Doorbell:
        path = database_path(self.db.url)
        assert path is not None  # a spool exists only beside a database file
        if doorbell.supported():
            return doorbell.Doorbell(self._waiters)
        return Watcher(path, self._committed)

    def committed(self) -> None:
        with self._committed:
            self._committed.notify_all()
        doorbell.ring(self._waiters)

    def state_reader(self) -> StateReader:
        path = database_path(self.db.url)
        assert path is not None  # a spool exists only beside a database file
        return SqliteStates(path)

    def dispose(self) -> None:
        self._closed.set()
        if self._housekeeper is not None:
            self._housekeeper.join(timeout=5)
            self.checkpoint()
        self.engine.dispose()
        self.reader.dispose()
        self._known.close()


_spools: dict[str, Spool] = {}
_lock = threading.Lock()


class Watcher:
    """Wakes when another connection, in any process, commits to the SQLite file at
    ``path`` (``PRAGMA data_version``), or at once when ``signal`` is notified. One thread's:
    it keeps a connection of its own, whose only query is that pragma."""

    def __init__(self, path: Path, signal: threading.Condition) -> None:
        self._connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._signal = signal
        self._version = self._read()
        self._changed = time.monotonic()

    def _read(self) -> int:
        return int(self._connection.execute("PRAGMA data_version").fetchone()[0])

    def wait(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while True:
            now = time.monotonic()
            remaining = deadline - now
            # Quiet: look less often (an idle worker wakes ~100 times a second, not 1,000).
            poll = WATCH_POLL if now - self._changed < QUIET_AFTER else WATCH_POLL_QUIET
            with self._signal:
                signalled = self._signal.wait(max(0.0, min(poll, remaining)))
            version, self._version = self._version, self._read()
            if signalled or version != self._version:
                self._changed = time.monotonic()
                return True
            if remaining <= 0:
                return False

    def close(self) -> None:
        self._connection.close()


class RungWatcher:
    """Wakes when ``bell`` is rung, or when another connection commits to the SQLite file at
    ``path``, looked at only every ``UNRUNG_POLL``: the ring is what wakes it in time, the
    look is for writers whose rings cannot reach it. One thread's, as ``Watcher``."""

    def __init__(self, bell: doorbell.Doorbell, path: Path) -> None:
        self._bell = bell
        self._connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._version = self._read()

    def _read(self) -> int:
        return int(self._connection.execute("PRAGMA data_version").fetchone()[0])

    def wait(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            rung = self._bell.wait(max(0.0, min(UNRUNG_POLL, remaining)))
            # Read after a ring too, so that the commit it announced is not seen again later.
            version, self._version = self._version, self._read()
            if rung or version != self._version:
                return True
            if remaining <= UNRUNG_POLL:
                return False

    def close(self) -> None:
        self._bell.close()
        self._connection.close()


class SqliteStates:
    """Where inbox rows stand, read on a ``sqlite3`` connection of its own: a web process
    waiting for tickets asks after every commit to the database, and SQLAlchemy's pool
    checkout and statement handling cost ten times this query (290 against 24 µs)."""

    def __init__(self, path: Path) -> None:
        # Autocommit: each read ends its own transaction, never holding back a checkpoint.
        self._connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)

    def states(self, inbox_ids: Sequence[int]) -> dict[int, Accepted]:
        if not inbox_ids:
            return {}
        marks = ",".join("?" * len(inbox_ids))
        rows = self._connection.execute(
            f"SELECT id, status, ticket_id, message_id FROM inbox WHERE id IN ({marks})",
            list(inbox_ids),
        )
        return {row[0]: Accepted(row[0], False, row[1], row[2], row[3]) for row in rows}

    def close(self) -> None:
        self._connection.close()


def spool_path(url: str) -> Path | None:
    """Where the spool of the SQLite database at ``url`` lives; None when there is none."""
    path = database_path(url)
    return None if path is None else path.with_name(f"{path.stem}.spool{path.suffix or '.db'}")


def spool_of(db: Database) -> Spool | None:
    """The spool beside ``db``, opened once per process; None on PostgreSQL."""
    # Asked several times per accepted message (the store, its hints): the path's parsing
    # cost more than the accept's own bookkeeping.
    if (spool := _spools.get(db.url)) is not None:
        return spool
    path = spool_path(db.url)
    if path is None:
        return None
    with _lock:
        spool = _spools.get(db.url)
        if spool is None:
            spool = _spools[db.url] = Spool(path, db)
        return spool


def close(db: Database) -> None:
    with _lock:
        spool = _spools.pop(db.url, None)
    if spool is not None:
        spool.dispose()
