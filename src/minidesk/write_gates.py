"""How SQLite's writers queue: on a ``WriteGate`` within a process, on a ``FileGate`` (a lock
file) between processes, urgent ones (``db.urgent``) first on both.

Within a process writers queue on the ``WriteGate``; between processes (the inbound worker, the
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
    """One writer at a time across the processes writing ``database``. One per file and
    process: the file's ``WriteGate`` lets one of this process's threads at a time in here.

    Lock files are opened while a lock is wanted and closed (which drops the lock) with it, so
    that a process which opens thousands of databases over its life (the test suite) keeps no
    descriptors for them: an open and a close cost microseconds, a transaction milliseconds."""

    def __init__(self, database: Path, patience: float = 1.0) -> None:
        self._write_path = f"{database}.write.lock"
        self._urgent_path = f"{database}.urgent.lock"
        self._held: int | None = None
        # This process's announcement: a description of its own, which a probe (another
        # one) sees as somebody's, and which probing can never turn exclusive.
        self._announcement: int | None = None
        self._announcers = 0
        self._lock = threading.Lock()
        self.patience = patience

    def announce(self) -> None:
        """An urgent writer of this process starts waiting (at the ``WriteGate``, or here)."""
        with self._lock:
            self._announcers += 1
            if self._announcers == 1:
                self._announcement = _open(self._urgent_path)
                fcntl.flock(self._announcement, fcntl.LOCK_SH)

    def withdraw(self) -> None:
        """... and holds the write lock now, or gave up."""
        with self._lock:
            self._announcers -= 1
            if self._announcers == 0 and self._announcement is not None:
                os.close(self._announcement)
                self._announcement = None

    def acquire(self, *, urgent: bool, since: float, deadline: float) -> bool:
        """Take the write lock; False at ``deadline``. ``since``: when the writer started
        waiting (its patience runs from there)."""
        pause = URGENT_PAUSE if urgent else ORDINARY_PAUSE
        fd = _open(self._write_path)
        while True:
            if self._may_go(urgent, since) and _try(fd, fcntl.LOCK_EX):
                # Looked at again: an urgent writer may have announced itself meanwhile.
                if self._may_go(urgent, since):
                    self._held = fd
                    return True
                fcntl.flock(fd, fcntl.LOCK_UN)
            if time.monotonic() >= deadline:
                os.close(fd)
                return False
            time.sleep(pause)

    def release(self) -> None:
        fd, self._held = self._held, None
        if fd is not None:
            os.close(fd)  # drops the lock

    def _may_go(self, urgent: bool, since: float) -> bool:
        if urgent or time.monotonic() - since >= self.patience:
            return True
        with self._lock:
            if self._announcers:  # ours, which our WriteGate puts first already
                return True
        probe = _open(self._urgent_path)
        try:
            return _try(probe, fcntl.LOCK_EX)  # nobody holds it shared: none announced
        finally:
            os.close(probe)


def _open(path: str) -> int:
    return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)


_gates: dict[tuple[int, Path], tuple[WriteGate, FileGate]] = {}
_gates_lock = threading.Lock()


def gates_of(path: Path | None) -> tuple[WriteGate, FileGate | None]:
    """The gates of the database file at ``path``, one pair per process: every engine on
    that file in this process queues on them (a forked child opens its own)."""
    if path is None:
        return WriteGate(), None
    key = (os.getpid(), path.resolve())
    with _gates_lock:
        if key not in _gates:
            _gates[key] = (WriteGate(), FileGate(path))
        return _gates[key]


class WriteGate:
    """One writer at a time in this process, urgent writers ahead of every other one waiting.

    A dispatch batch's listeners hold the write lock for tens of milliseconds; an inbound
    batch that queued behind two of them would keep the requests waiting for their tickets
    that long. Urgent writers still wait for the writer inside (a transaction cannot be
    interrupted), but never for the ordinary ones queued, which go when no urgent one waits:
    listeners lag under a burst of inbound messages and catch up after it. An ordinary writer
    that has waited ``patience`` seconds competes as an equal, so a flood of messages cannot
    starve an agent's write into a timeout."""

    def __init__(self, patience: float = 1.0) -> None:
        self._changed = threading.Condition()
        self._held = False
        self._waiting: dict[int, tuple[bool, float]] = {}  # ticket → (urgent, since when)
        self._tickets = 0
        self._granted: int | None = None
        self.patience = patience

    def acquire(self, *, urgent: bool, timeout: float) -> bool:
        with self._changed:
            if not self._held:
                self._held = True
                return True
            # Handed over by ``release``, not raced for: a writer that releases and comes
            # straight back would otherwise win every time (it holds the GIL).
            ticket, self._tickets = self._tickets, self._tickets + 1
            now = time.monotonic()
            self._waiting[ticket] = (urgent, now)
            deadline = now + timeout
            while self._granted != ticket:
                left = deadline - time.monotonic()
                if left <= 0:
                    del self._waiting[ticket]
                    return False
                self._changed.wait(left)
            self._granted = None
            return True

    def release(self) -> None:
        with self._changed:
            if not self._waiting:
                self._held = False
                return
            now = time.monotonic()

            def rank(ticket: int) -> tuple[bool, int]:
                urgent, since = self._waiting[ticket]
                return (not (urgent or now - since >= self.patience), ticket)

            self._granted = min(self._waiting, key=rank)
            del self._waiting[self._granted]
            self._changed.notify_all()
