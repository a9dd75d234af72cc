"""Wake-ups between processes through PostgreSQL ``LISTEN``/``NOTIFY``, and the lock that
lets one of them drain the inbox: the PostgreSQL counterparts of the SQLite spool's
``PRAGMA data_version`` watch and its ``flock`` (see ``inbox_store.TableStore``).

A ``notify`` is sent inside the transaction whose commit it announces: PostgreSQL delivers
it at commit and drops it on rollback, so a listener never wakes for work that did not
happen and never misses work that did (short of losing its connection, after which it says
"changed" once, to make its owner look). The realtime fan-out's ``Postgres`` broker uses the
same carrier for change notices, from an async loop; these listeners serve threads.
"""

from __future__ import annotations

import hashlib
import logging
import time
import zlib
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

# PostgreSQL truncates identifiers (and refuses channel names) beyond 63 bytes.
NAME_BYTES = 63
RECONNECT_SECONDS = 1.0


def conninfo(url: str) -> str:
    """libpq's form of a SQLAlchemy URL: the driver suffix means nothing to libpq."""
    return "postgresql://" + url.split("://", 1)[1]


def channel_name(base: str, suffix: str) -> str:
    """``base.suffix``, shortened with a digest of ``base`` where it would be too long."""
    name = f"{base}.{suffix}"
    if len(name.encode()) <= NAME_BYTES:
        return name
    digest = hashlib.sha256(base.encode()).hexdigest()[:12]
    return f"{base[: NAME_BYTES - len(suffix) - 14]}-{digest}.{suffix}"


def notify(session: Session, channel: str) -> None:
    """Wake ``channel``'s listeners when this session's transaction commits."""
    session.execute(select(func.pg_notify(channel, "")))


class Listener:
    """A ``Watcher`` (see ``inbox_store``) of one channel, on a connection of its own; one
    thread's."""

    def __init__(self, url: str, channel: str) -> None:
        self._conninfo = conninfo(url)
        self._channel = channel
        self._connection: Any = None
        self._connect()

    def _connect(self) -> None:
        import psycopg
        from psycopg import sql

        connection = psycopg.connect(self._conninfo, autocommit=True)
        connection.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self._channel)))
        self._connection = connection

    def wait(self, timeout: float) -> bool:
        """True once a notification arrived (all that queued meanwhile count as one), or
        after the connection was lost and made again; False after ``timeout`` of silence."""
        import psycopg

        try:
            if self._connection is None:
                self._connect()
                return True  # whatever was sent while nobody listened
            arrived = False
            for _ in self._connection.notifies(timeout=timeout, stop_after=1):
                arrived = True
            if arrived:  # the rest of a burst, without waiting
                for _ in self._connection.notifies(timeout=0):
                    pass
            return arrived
        except psycopg.OperationalError as exc:
            log.warning("LISTEN %s lost (%s); reconnecting", self._channel, exc)
            self.close()
            time.sleep(min(timeout, RECONNECT_SECONDS))
            return False

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


class AdvisoryLock:
    """A session-level advisory lock held on a connection of its own: PostgreSQL releases it
    when that connection ends, so a worker that dies hands the drain to another at once, on
    this machine or any other."""

    def __init__(self, url: str, name: str) -> None:
        self._conninfo = conninfo(url)
        # Advisory locks take a 64-bit key; a CRC of the name keeps desks on one server apart.
        self._key = zlib.crc32(name.encode())
        self._connection: Any = None

    def __str__(self) -> str:
        return f"advisory lock {self._key}"

    def take(self) -> bool:
        """Take the lock if nobody holds it; True if this process holds it now."""
        import psycopg

        if self._connection is not None:
            return True
        connection = psycopg.connect(self._conninfo, autocommit=True)
        row = connection.execute("SELECT pg_try_advisory_lock(%s)", (self._key,)).fetchone()
        if row is None or not row[0]:
            connection.close()
            return False
        self._connection = connection
        return True

    def release(self) -> None:
        if self._connection is not None:
            self._connection.close()  # ends the session, and with it the lock
            self._connection = None
