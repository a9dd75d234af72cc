"""Keeping every process on the active model version stored in the database.

A process asks the database at most once per ``CHECK_SECONDS`` which version is active (one
indexed single-row query) and swaps its registry when that changed. A promotion therefore
reaches every web process and worker, on any machine, within about a minute, with no message
bus. Failures are logged and the current model stays: triage must keep working when the
database hiccups.
"""

from __future__ import annotations

import logging
import threading
import time

from minidesk.db import get_db
from minidesk.triage.registry import ModelRegistry, registry
from minidesk.triage.tables import IntentModelVersion
from minidesk.triage.versions import DEFAULT_VERSION, active_row, unpack

log = logging.getLogger(__name__)

CHECK_SECONDS = 60.0


class DatabaseWatcher:
    def __init__(self, interval: float = CHECK_SECONDS) -> None:
        self.interval = interval
        self._next_check = 0.0
        self._loaded: tuple[int, str] | None = None  # (version, sha256) live in the registry
        self._lock = threading.Lock()

    def check(self, target: ModelRegistry) -> None:
        if time.monotonic() < self._next_check:
            return
        # One thread looks; the others carry on with the model they have.
        if not self._lock.acquire(blocking=False):
            return
        try:
            self._next_check = time.monotonic() + self.interval
            self._sync(target)
        except Exception:
            log.exception("could not check the active intent model; keeping the current one")
        finally:
            self._lock.release()

    def refresh(self, target: ModelRegistry = registry) -> int:
        """Check now (after a promotion or roll-back in this process); the live version."""
        with self._lock:
            self._next_check = time.monotonic() + self.interval
            self._sync(target)
            return self._loaded[0] if self._loaded else DEFAULT_VERSION

    def forget(self) -> None:
        """Look again on the next call (tests, or a process that switched databases)."""
        with self._lock:
            self._next_check, self._loaded = 0.0, None

    def _sync(self, target: ModelRegistry) -> None:
        database = get_db()
        with database.sessions() as session:
            wanted = active_row(session)
            if wanted == self._loaded:
                return
            if wanted is None:
                target.reset()
                self._loaded = None
                log.info("intent model: back to the shipped default")
                return
            artefact = session.get_one(IntentModelVersion, wanted[0]).artefact
        target.activate(unpack(artefact, wanted[1]))
        self._loaded = wanted
        log.info("intent model: version %s is live", wanted[0])


watcher = DatabaseWatcher()


def install() -> None:
    """Make the process-wide registry follow the database's active version."""
    registry.watch(watcher)
