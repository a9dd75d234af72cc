"""On SQLite, accepted messages wait in a file of their own until a worker takes them in.

SQLite has one writer per file. If accepts wrote the main database they would queue behind
the workers' processing transactions (across processes, behind SQLite's sleep-polling busy
handler too), so a 202 would wait tens of milliseconds for somebody else's batch. The spool is
a second file written only by the process that accepts: its group-committed accepts, and a
housekeeping thread that forgets what the inbox holds and checkpoints. An accept waits for
another accept at most; workers only read here.

A spooled row moves to the main inbox, under the same id, inside the transaction that
processes it (``inbox.take_in``); the housekeeper forgets it once the inbox has its key. Until
then a second attempt (a sweep, a redelivered hint) finds it taken in and does nothing. Ids
come from this file's AUTOINCREMENT sequence, kept above every id the inbox holds, so they are
never reused. PostgreSQL needs no spool: its writers do not exclude each other.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

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
    event,
    func,
    select,
    text,
)
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Engine

from minidesk.db import Database, UTCDateTime, make_engine

log = logging.getLogger(__name__)
HOUSEKEEPING_SECONDS = 0.5

metadata = MetaData()
spooled = Table(
    "spool",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("channel", String(16), nullable=False),
    Column("external_id", String(998), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("status", String(16), nullable=False),
    Column("error", Text),
    Column("received_at", UTCDateTime, nullable=False),
    UniqueConstraint("channel", "external_id"),
    sqlite_autoincrement=True,
)
Row = dict[str, Any]
# Built once: every accept runs these, and building a statement costs more than running it.
_PUT = (
    sqlite.insert(spooled)
    .on_conflict_do_nothing()
    .returning(spooled.c.id, spooled.c.channel, spooled.c.external_id)
)
# Both key columns, so the unique index answers rather than a scan of the file.
_FIND = select(spooled.c.id, spooled.c.channel, spooled.c.external_id).where(
    spooled.c.channel.in_(bindparam("channels", expanding=True)),
    spooled.c.external_id.in_(bindparam("keys", expanding=True)),
)
_TAKEN_IN = text(
    "SELECT channel, external_id FROM inbox WHERE channel IN :channels AND external_id IN :keys"
).bindparams(bindparam("channels", expanding=True), bindparam("keys", expanding=True))


def key_params(keys: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    """Bind values for ``channel IN :channels AND external_id IN :keys`` (see ``_FIND``)."""
    return {"channels": list({c for c, _ in keys}), "keys": list({k for _, k in keys})}


def _no_autocheckpoint(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA wal_autocheckpoint=0")


class Spool:
    def __init__(self, path: Path, db: Database) -> None:
        self.path, self.db = path, db
        url = f"sqlite:///{path}"
        self.engine: Engine = make_engine(url)
        self.reader: Engine = make_engine(url, writer=False)
        # A commit that crosses the WAL's size limit checkpoints there and then, fsyncs and
        # all: tens of milliseconds for whichever accept commits it. Here a background thread
        # checkpoints instead (PASSIVE: it never blocks a writer), and accepts only append.
        event.listen(self.engine, "connect", _no_autocheckpoint)
        metadata.create_all(self.engine)
        self._keep_ids_above(db)
        self._closed = threading.Event()
        self._housekeeper: threading.Thread | None = None
        self._lock = threading.Lock()

    def _start_housekeeping(self) -> None:
        """In a process that accepts: prune and checkpoint from one thread of its own, so
        the spool's writes all come from this process (its accepts queue on an in-process
        lock, never on SQLite's sleep-polling busy handler behind another process)."""
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
                self.checkpoint()
            except Exception:  # the next round tries again; the spool only grows meanwhile
                log.warning("spool housekeeping failed", exc_info=True)

    def prune(self, limit: int = 5000) -> int:
        """Forget rows whose message the inbox holds now (a worker took it in, or it was a
        redelivery that raced its original); returns how many."""
        with self.reader.connect() as conn:
            waiting = conn.execute(
                select(spooled.c.id, spooled.c.channel, spooled.c.external_id)
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
        with self.reader.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")

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

    def put(self, rows: Sequence[Row]) -> dict[tuple[str, str], int]:
        """Store ``rows`` in one transaction; the id of each (channel, external_id) stored
        now. Keys already spooled are left as they are and absent from the answer."""
        if not rows:
            return {}
        if self._housekeeper is None:
            self._start_housekeeping()
        with self.engine.begin() as conn:
            stored = conn.execute(_PUT, list(rows))
            return {(channel, key): row_id for row_id, channel, key in stored}

    def find(self, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], int]:
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
            found = conn.execute(select(spooled).where(spooled.c.id.in_(ids))).mappings()
            return {row["id"]: dict(row) for row in found}

    def waiting(self, received_before: dt.datetime, limit: int = 1000) -> list[int]:
        with self.reader.connect() as conn:
            return list(
                conn.scalars(
                    select(spooled.c.id)
                    .where(spooled.c.received_at < received_before)
                    .order_by(spooled.c.id)
                    .limit(limit)
                )
            )

    def depth(self) -> int:
        with self.reader.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(spooled)) or 0)

    def remove(self, ids: Sequence[int]) -> None:
        """Forget these rows (only once the inbox holds their messages)."""
        if ids:
            with self.engine.begin() as conn:
                conn.execute(delete(spooled).where(spooled.c.id.in_(ids)))

    def dispose(self) -> None:
        self._closed.set()
        if self._housekeeper is not None:
            self._housekeeper.join(timeout=5)
            self.checkpoint()
        self.engine.dispose()
        self.reader.dispose()


_spools: dict[str, Spool] = {}
_lock = threading.Lock()


def spool_path(url: str) -> Path | None:
    """Where the spool of the SQLite database at ``url`` lives; None when there is none."""
    if not url.startswith("sqlite"):
        return None
    database = url.split("///", 1)[1] if "///" in url else ""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    path = Path(database)
    return path.with_name(f"{path.stem}.spool{path.suffix or '.db'}")


def spool_of(db: Database) -> Spool | None:
    """The spool beside ``db``, opened once per process; None on PostgreSQL."""
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

