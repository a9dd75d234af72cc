"""SQLite's writers in different processes queue on a lock file, urgent ones first.

Within a process writers queue on ``db.WriteGate``; between processes (the inbound worker, the
jobs worker, a second web process writing the spool) only SQLite's busy handler used to
arbitrate, and it sleep-polls with back-off of up to 100 ms. A worker whose batch a dozen
requests wait for overslept the lock by tens of milliseconds, and lost it as often as not to
a listener batch of the jobs worker: that was the default inbound path's p99.

So a writer first takes an exclusive ``flock`` on ``<database>.write.lock`` (the kernel frees
it when its holder dies), looking again every fraction of a millisecond, and drops it after its
COMMIT or ROLLBACK. An urgent writer (inbound processing: requests wait for it, ``db.urgent``)
announces itself while it waits, with a shared lock on ``<database>.urgent.lock``; an ordinary
writer of another process that finds one announced steps back, even with the write lock in hand,
until none is, or until it has waited ``patience`` seconds and competes as an equal (listeners
lag under a burst of messages and catch up after it, but a flood cannot starve an agent's write
into a timeout). This process's own urgent writers are ordered by its ``WriteGate`` already.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from pathlib import Path

# How long a waiting writer sleeps between looks: the most a hand-over costs it. Ordinary
# writers (listeners, agents' changes) look less often than urgent ones.
URGENT_PAUSE = 0.0002
ORDINARY_PAUSE = 0.001


def database_path(url: str) -> Path | None:
    """The file of the SQLite database at ``url``; None for PostgreSQL or memory."""
    if not url.startswith("sqlite"):
        return None
    database = url.split("///", 1)[1] if "///" in url else ""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def _try(fd: int, operation: int) -> bool:
    try:
        fcntl.flock(fd, operation | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


class FileGate:
    """One writer at a time across the processes writing ``database``. One per engine: the
    engine's ``WriteGate`` lets one of its threads at a time in here."""

    def __init__(self, database: Path, patience: float = 1.0) -> None:
        flags = os.O_RDWR | os.O_CREAT | os.O_CLOEXEC
        self._write = os.open(f"{database}.write.lock", flags, 0o600)
        # Two descriptions of one file: this process's announcement (shared) must not be
        # taken for another's, nor turned into an exclusive lock by probing it.
        self._announce = os.open(f"{database}.urgent.lock", flags, 0o600)
        self._probe = os.open(f"{database}.urgent.lock", flags, 0o600)
        self._announcers = 0
        self._lock = threading.Lock()
        self.patience = patience

    def announce(self) -> None:
        """An urgent writer of this process starts waiting (at the ``WriteGate``, or here)."""
        with self._lock:
            self._announcers += 1
            if self._announcers == 1:
                fcntl.flock(self._announce, fcntl.LOCK_SH)

    def withdraw(self) -> None:
        """... and holds the write lock now, or gave up."""
        with self._lock:
            self._announcers -= 1
            if self._announcers == 0:
                fcntl.flock(self._announce, fcntl.LOCK_UN)

    def acquire(self, *, urgent: bool, since: float, deadline: float) -> bool:
        """Take the write lock; False at ``deadline``. ``since``: when the writer started
        waiting (its patience runs from there)."""
        pause = URGENT_PAUSE if urgent else ORDINARY_PAUSE
        while True:
            if self._may_go(urgent, since) and _try(self._write, fcntl.LOCK_EX):
                # Looked at again: an urgent writer may have announced itself meanwhile.
                if self._may_go(urgent, since):
                    return True
                fcntl.flock(self._write, fcntl.LOCK_UN)
            if time.monotonic() >= deadline:
                return False
            time.sleep(pause)

    def release(self) -> None:
        fcntl.flock(self._write, fcntl.LOCK_UN)

    def _may_go(self, urgent: bool, since: float) -> bool:
        if urgent or time.monotonic() - since >= self.patience:
            return True
        with self._lock:
            if self._announcers:  # ours, which our WriteGate puts first already
                return True
        if _try(self._probe, fcntl.LOCK_EX):  # nobody holds it shared: none announced
            fcntl.flock(self._probe, fcntl.LOCK_UN)
            return True
        return False
