"""The one read every accept on SQLite makes of the main database, on plain ``sqlite3``.

Before a message is spooled the inbox is asked whether it holds its key already (a
redelivery, or a message a worker took in). Through SQLAlchemy — a pooled connection, its
events, the compiled statement's cache and bind handling — that query cost an accepting
thread five times what SQLite spends answering it; here each thread keeps a connection of its
own to the database file, in autocommit mode, so every read sees the latest commit and holds
back no checkpoint.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

from minidesk.inbox import Accepted, Key


class KnownKeys:
    """``inbox.known`` for a SQLite file, callable from any thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._opened: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def _connection(self) -> sqlite3.Connection:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self._local.connection = connection
            with self._lock:
                self._opened.append(connection)
        return connection

    def known(self, keys: Sequence[Key]) -> dict[Key, Accepted]:
        """The inbox's answer for those of ``keys`` it holds (duplicates, with their tickets)."""
        if not keys:
            return {}
        channels = sorted({channel for channel, _ in keys})
        external_ids = sorted({key for _, key in keys})
        # Both key columns, so the (channel_id, external_id) unique index answers.
        rows = self._connection().execute(
            "SELECT channel_id, external_id, id, status, ticket_id, message_id FROM inbox "
            f"WHERE channel_id IN ({','.join('?' * len(channels))}) "
            f"AND external_id IN ({','.join('?' * len(external_ids))})",
            [*channels, *external_ids],
        )
        wanted = set(keys)
        return {
            (channel, key): Accepted(inbox_id, True, status, ticket_id, message_id)
            for channel, key, inbox_id, status, ticket_id, message_id in rows
            if (channel, key) in wanted
        }

    def close(self) -> None:
        with self._lock:
            opened, self._opened = self._opened, []
        for connection in opened:
            connection.close()
