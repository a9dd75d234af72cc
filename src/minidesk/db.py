"""Engine, sessions and the declarative base shared by every feature's models.

SQLite runs in WAL mode with a busy timeout so the web process and worker threads can write
concurrently; PostgreSQL is used through psycopg 3. ``transaction()`` is the one way code opens
a unit of work: it commits, then runs the after-commit hooks registered during it (job
enqueues, event dispatch), so no side effect ever escapes a rolled-back transaction.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, DateTime, MetaData, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from minidesk import wal_checkpoints
from minidesk.search import stemming
from minidesk.write_gates import database_path, gates_of

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC in and out, on SQLite (which stores naive text) as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; minidesk stores aware UTC times only")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dt.datetime: UTCDateTime, dict[str, Any]: JSON, list[Any]: JSON}


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers proceed during a write; NORMAL sync is durable across process crashes
    # (only an OS crash can lose the last commits), which is the embedded mode's promise.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
    # The search index's triggers stem non-English text with it (``search.stemming``).
    dbapi_connection.create_function(stemming.SQL_FUNCTION, 2, stemming.stems, deterministic=True)


def make_engine(url: str, *, writer: bool = True) -> Engine:
    """An engine; on SQLite a ``writer`` engine begins every transaction IMMEDIATE."""
    if url.startswith("sqlite"):
        # SQLite connections are cheap; keep as many as the web server's 40 request threads
        # (an overflow connection is closed on return and the next one pays for opening it
        # and its pragmas), plus room for the job threads, so nobody waits for a connection.
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=40,
            max_overflow=30,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        # pysqlite's own transaction handling defers BEGIN and breaks SAVEPOINT; take over.
        event.listen(engine, "connect", lambda conn, _r: setattr(conn, "isolation_level", None))
        if writer:
            _serialise_writers(engine, database_path(url))
        else:
            event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN"))
        return engine
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


WRITE_WAIT_SECONDS = 30


def _serialise_writers(engine: Engine, path: Path | None) -> None:
    """Writers take SQLite's write lock up front (BEGIN IMMEDIATE): a deferred transaction
    that reads and then writes would fail at once if another writer committed in between.

    Within one process they first queue on a gate (``WriteGate``), held from BEGIN to COMMIT
    or ROLLBACK. SQLite's own busy handler sleep-polls with back-off of up to 100 ms, so
    dozens of threads waiting on it oversleep and latency explodes; the gate hands over at
    once, and to inbound processing (``urgent``) before anything else queued. Between
    processes a lock file beside the database does the same (``write_gates.FileGate``); the busy
    timeout only covers writers that take neither (the ``sqlite3`` shell, a migration).
    """
    gate, files = gates_of(path)
    if path is not None:
        event.listen(engine, "connect", wal_checkpoints.no_autocheckpoint)
        event.listen(engine.pool, "close", lambda _c, _r: wal_checkpoints.forget(path))

    def begin(conn: Any) -> None:
        urgent = getattr(_urgency, "on", False)
        since = time.monotonic()
        if files is not None and urgent:
            files.announce()
        try:
            if not gate.acquire(urgent=urgent, timeout=WRITE_WAIT_SECONDS):
                raise TimeoutError(f"no SQLite write lock within {WRITE_WAIT_SECONDS} s")
            deadline = since + WRITE_WAIT_SECONDS
            if files is not None and not files.acquire(
                urgent=urgent, since=since, deadline=deadline
            ):
                gate.release()
                raise TimeoutError(f"no SQLite write lock within {WRITE_WAIT_SECONDS} s")
        finally:
            if files is not None and urgent:
                files.withdraw()
        conn.info[_HOLDS_GATE] = True
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    def release(info: dict[str, Any]) -> None:
        if info.pop(_HOLDS_GATE, False):
            if files is not None:
                files.release()
            gate.release()

    def commit(conn: Any) -> None:
        # SQLAlchemy announces a commit before making it: the locks are handed on after it,
        # else the next writer's BEGIN finds SQLite still locked and sleeps in its busy
        # handler. (SQLAlchemy's own COMMIT then finds no transaction, and does nothing.)
        if conn.info.get(_HOLDS_GATE):
            conn.connection.dbapi_connection.commit()
        release(conn.info)
        if path is not None:
            wal_checkpoints.committed(path)

    def rollback(conn: Any) -> None:
        if conn.info.get(_HOLDS_GATE):
            conn.connection.dbapi_connection.rollback()
        release(conn.info)

    event.listen(engine, "begin", begin)
    event.listen(engine, "commit", commit)
    event.listen(engine, "rollback", rollback)
    # Fallbacks for a transaction that ends without either event: the pool's reset on
    # return, or a connection that is invalidated.
    event.listen(engine.pool, "checkin", lambda _c, record: release(record.info))
    event.listen(engine.pool, "invalidate", lambda _c, record, _e: release(record.info))


_urgency = threading.local()


@contextlib.contextmanager
def urgent() -> Iterator[None]:
    """This thread's SQLite transactions in the block go before other writers of this process
    that are waiting (inbound processing: requests wait for it)."""
    previous = getattr(_urgency, "on", False)
    _urgency.on = True
    try:
        yield
    finally:
        _urgency.on = previous


_HOLDS_GATE = "minidesk.holds_write_gate"


def holds_write_lock(session: Session) -> bool:
    """On SQLite: whether the session's transaction began IMMEDIATE (it holds the write lock,
    so nothing another writer commits can change what it reads). Always True elsewhere."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return True
    return bool(connection.info.get(_HOLDS_GATE))


class Database:
    """Engines and session factories for one database.

    ``sessions()`` is for reading; ``transaction()`` (or a ``write_sessions()`` session) for
    changing state. On PostgreSQL both use one engine; on SQLite writers begin IMMEDIATE.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.read_engine = (
            make_engine(url, writer=False) if url.startswith("sqlite") else (self.engine)
        )
        self.sessions = sessionmaker(self.read_engine, expire_on_commit=False)
        self.write_sessions = sessionmaker(self.engine, expire_on_commit=False)
        if self.is_sqlite:
            from minidesk import batch_ids  # which builds on this module

            batch_ids.install(self.write_sessions)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session in one transaction: commit on success, then run after-commit hooks."""
        session = self.write_sessions()
        try:
            yield session
            commit(session)
        except BaseException:
            discard(session)
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        from minidesk import spool  # the inbox's spool file lives and dies with its database

        spool.close(self)
        self.engine.dispose()
        self.read_engine.dispose()


# Public so that code which rolls back a savepoint can drop the hooks registered inside it.
ON_COMMIT_HOOKS = "minidesk.after_commit"
_HOOKS = ON_COMMIT_HOOKS


def on_commit(session: Session, hook: Callable[[], None]) -> None:
    """Run ``hook`` once the session's transaction has committed (never if it rolls back)."""
    session.info.setdefault(_HOOKS, []).append(hook)


def upsert_insert(session: Session, table: Any) -> Any:
    """The dialect's INSERT for ``table``, which offers ``on_conflict_do_nothing`` and
    ``on_conflict_do_update`` on both SQLite and PostgreSQL (plain INSERT offers neither)."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    return insert(table)


def commit(session: Session) -> None:
    """Commit, then run the hooks registered with ``on_commit`` during the transaction."""
    session.commit()
    for hook in session.info.pop(_HOOKS, []):
        hook()


def discard(session: Session) -> None:
    """Roll back and forget the pending hooks (their transaction never happened)."""
    session.rollback()
    session.info.pop(_HOOKS, None)


_database: Database | None = None


def configure(url: str) -> Database:
    global _database
    if _database is not None and _database.url != url:
        _database.dispose()
    if _database is None or _database.url != url:
        _database = Database(url)
    return _database


def get_db() -> Database:
    if _database is None:
        from minidesk.settings import get_settings

        return configure(get_settings().database_url)
    return _database
