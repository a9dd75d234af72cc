"""Workers that follow the inbox store instead of waiting for hints.

A hint through the queue costs a queue write per batch and a worker's polling delay (up to
``POLL["max_delay"]`` when quiet), and the web process could only wait for processing by
doing it itself, a second writer fighting the workers for SQLite's lock. Here a worker
*watches* the store (``InboxStore.arrivals``): it is woken by every accept in any process
(rung by the accepting process on SQLite, notified on PostgreSQL), takes every row waiting
above its cursor (up to a batch) and processes them together, so a request that waits for
its ticket waits for one batch. The store's ids become
visible in order on SQLite, so a cursor is all the bookkeeping a drainer needs there; on
PostgreSQL concurrent accepts commit out of id order, so a drainer rescans every pending
row it is not already busy with (``InboxStore.ordered``).

One process drains at a time (the store's ``drain_lock``: a ``flock`` beside a SQLite
database, an advisory lock on PostgreSQL, either freed when its holder dies, so another
worker takes over); within it a few threads share the cursor, one gathering and triaging a
batch at a time, so a burst goes in one batch and its triage overlaps the previous batch's
write. A batch that fails outright (the database locked too long) leaves
its rows in the store: after an idle second (or a minute, under constant load) the cursor
starts again from the beginning, forgets what it set aside, and ``take_batch`` skips what
was taken in meanwhile. Rows whose processing failed and stays pending are the sweep's.
"""

from __future__ import annotations

import logging
import threading
import time

from minidesk import inbox_store, pipeline
from minidesk.db import Database

log = logging.getLogger(__name__)

# Waits longer than this (nothing arrived) rescan the store from its first row.
IDLE = 1.0
# ... and at least this often under constant load.
RESCAN = 60.0
# How often a process that does not hold the lock tries to take it.
TAKE_OVER = 1.0


class Drainer:
    def __init__(self, db: Database, lock: inbox_store.DrainLock, threads: int = 2) -> None:
        self.db, self.lock, self.threads = db, lock, threads
        self.store = inbox_store.store_of(db)
        self._cursor = 0
        # Unordered stores: rows a thread is processing, and rows set aside until the next
        # rescan (processed elsewhere, or in a batch that failed outright: not again at once).
        self._busy: set[int] = set()
        self._aside: set[int] = set()
        self._rescanned = time.monotonic()
        self._cursor_lock = threading.Lock()
        self._gathering = threading.Lock()
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._holding = False

    def start(self) -> None:
        self._threads = [
            threading.Thread(target=self._run, name=f"drain-{i}", daemon=True)
            for i in range(self.threads)
        ]
        for thread in self._threads:
            thread.start()

    def stop(self, timeout: float = 30) -> None:
        self._stopping.set()
        for thread in self._threads:
            thread.join(timeout)
        if self._holding:
            self.lock.release()
            self._holding = False

    def _run(self) -> None:
        watcher = self.store.arrivals()
        assert watcher is not None  # only started for stores that are watched
        try:
            self._follow(watcher)
        finally:
            watcher.close()

    def _follow(self, watcher: inbox_store.Watcher) -> None:
        while not self._stopping.is_set() and not self._hold_lock():
            self._stopping.wait(TAKE_OVER)
        while not self._stopping.is_set():
            try:
                if self._drain_once():
                    continue
            except Exception:  # the rows stay in the store; the next rescan tries again
                log.exception("inbox drain failed")
            quiet = not watcher.wait(IDLE)
            if quiet or time.monotonic() - self._rescanned > RESCAN:
                with self._cursor_lock:
                    self._cursor, self._rescanned = 0, time.monotonic()
                    self._aside.clear()

    def _hold_lock(self) -> bool:
        with self._cursor_lock:
            if not self._holding:
                try:
                    self._holding = self.lock.take()
                except Exception:  # the database is away: try again later
                    log.warning("could not take the inbox drain lock", exc_info=True)
                if self._holding:
                    log.info("draining the inbox", extra={"lock": str(self.lock)})
            return self._holding

    def _drain_once(self) -> bool:
        """Take the rows after the cursor and process them; False when there were none."""
        # One thread gathers and triages at a time: rows that arrive meanwhile wait for the
        # next batch instead of starting one of their own each (a batch's reads, claim and
        # commit cost as much as a dozen messages). Triage still overlaps the other's write.
        self._gathering.acquire()
        gathering = True

        def triaged() -> None:
            nonlocal gathering
            if gathering:
                gathering = False
                self._gathering.release()

        ids: list[int] = []
        done: dict[int, pipeline.Processed] = {}
        try:
            with self._cursor_lock:
                skip = self._busy | self._aside
                found = self.store.newer(self._cursor, pipeline.BATCH_SIZE + len(skip))
                ids = [i for i in found if i not in skip][: pipeline.BATCH_SIZE]
                if ids and self.store.ordered:
                    self._cursor = ids[-1]
                self._busy.update(ids)
            if ids:
                done = pipeline.process_batch(ids, self.db, triaged)
        finally:
            triaged()
            with self._cursor_lock:
                self._busy.difference_update(ids)
                if not self.store.ordered:
                    self._aside.update(i for i in ids if i not in done)
        return bool(ids)


def start(db: Database, threads: int = 2) -> Drainer | None:
    """Start draining ``db``'s inbox store here if its workers watch it; else None (hints
    through the queue carry the work)."""
    lock = inbox_store.store_of(db).drain_lock()
    if lock is None:
        return None
    drainer = Drainer(db, lock, threads)
    drainer.start()
    return drainer
