"""SQLite's write-ahead log, checkpointed beside the writers rather than inside their commits.

By default SQLite checkpoints in the commit that takes the log past 1,000 pages: copying the
log into the database file and the fsync that follows land on that one transaction's COMMIT.
The write gates (``db._serialise_writers``) are handed on only once COMMIT returns, so every
writer queued behind it waits for the checkpoint too; on the default inbound path that is an
inbound batch, and every request waiting for its ticket. Here a writer's connections never
checkpoint (``wal_autocheckpoint=0``); each commit marks its database due, and one thread per
process checkpoints what is due, at most every ``INTERVAL`` seconds. The checkpoint is
PASSIVE: it takes no writer's lock and never waits for a reader, so commits go on while it
copies. The spool's file (``spool``) is a database like any other here.

Nothing is lost if the thread is late or its process is killed: the log holds every commit
until some connection checkpoints it (another process's thread, or SQLite itself when the last
connection to the file closes). A log only restarts from its beginning once it is fully
checkpointed, as before.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

# Commits within this long of a checkpoint wait for the next one: under load a checkpoint
# copies a few hundred milliseconds of commits at once (the log stays a few MB), and a quiet
# process checkpoints once after its last commit and then sleeps.
INTERVAL = 0.2

_due: set[Path] = set()
_running: set[Path] = set()  # being checkpointed now: ``forget`` waits for them
_wake = threading.Condition()
_thread: threading.Thread | None = None


def _after_fork() -> None:
    """A forked child has none of its parent's threads (and its lock may have been held
    mid-fork): it starts afresh, its own thread on its first commit."""
    global _thread, _wake
    _thread, _wake = None, threading.Condition()
    _due.clear()
    _running.clear()


os.register_at_fork(after_in_child=_after_fork)


def no_autocheckpoint(dbapi_connection: Any, _record: Any) -> None:
    """A writer connection's ``connect`` listener: its commits leave the log to this module."""
    dbapi_connection.execute("PRAGMA wal_autocheckpoint=0")


def committed(path: Path) -> None:
    """Called after each commit to ``path`` (no lock held): checkpoint it soon."""
    global _thread
    with _wake:
        if path in _due:
            return
        _due.add(path)
        if _thread is None:
            _thread = threading.Thread(target=_run, name="wal-checkpoints", daemon=True)
            _thread.start()
        _wake.notify()


def forget(path: Path) -> None:
    """Before a writer's connection to ``path`` closes (a pool's ``close`` listener): drop
    its pending checkpoint and wait out one under way. Closing the file's last connection
    then folds the log into the file and deletes it, as SQLite does, by the time
    ``engine.dispose()`` returns (a checkpoint's connection still open would keep the log, and
    a copy of the file taken then would miss its last commits)."""
    with _wake:
        _due.discard(path)
        while path in _running:
            _wake.wait()


def checkpoint(path: Path) -> tuple[int, int, int]:
    """One PASSIVE checkpoint of ``path``: (busy, frames in the log, frames checkpointed).

    A connection of its own, opened read-write only if the file exists: a database deleted
    since its last commit (a test's, an operator's) must not be recreated empty here."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True, timeout=1)
    try:
        busy, frames, done = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        return int(busy), int(frames), int(done)
    finally:
        conn.close()


def _run() -> None:
    while True:
        with _wake:
            while not _due:
                _wake.wait()
            paths = sorted(_due)
            _due.clear()
            _running.update(paths)
        for path in paths:
            try:
                checkpoint(path)
            except sqlite3.Error as exc:  # gone, or locked: the next commit asks again
                log.debug("no WAL checkpoint of %s: %s", path, exc)
            finally:
                with _wake:
                    _running.discard(path)
                    _wake.notify_all()
        time.sleep(INTERVAL)
