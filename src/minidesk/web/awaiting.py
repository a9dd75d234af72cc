"""Requests waiting for a worker, in any process, to commit their inbox rows.

The default inbound path answers with the ticket number, yet the web process must not process
the message itself: on SQLite that makes it a second writer queueing for the lock behind the
workers' batches, and the workers would batch less. So a request accepts, and then waits here
while a worker (``jobs.drain``, which watches the store) takes the row in with its batch.

One thread per process watches the workers' processing commits (``InboxStore.commits``: on
SQLite a ``doorbell`` the worker rings after each, so nothing is read while nothing is
processed; on PostgreSQL a ``LISTEN`` for the ``NOTIFY`` each processing transaction sends);
after each commit it reads, in one query on a connection of its own
(``InboxStore.state_reader``), where every waiting row stands, and answers those a worker
finished, on their event loops. Rows still pending when a request's time is up answer
``queued``; nothing is lost either way, the row is durable and a worker takes it later.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time

from minidesk import inbox, inbox_store
from minidesk.db import get_db

log = logging.getLogger(__name__)

# Re-read the waiting rows at least this often, should a wake-up go amiss.
RECHECK = 0.25
# How soon a newly waiting request's row is first looked at.
NEWCOMERS = 0.005

_Waiter = tuple[asyncio.AbstractEventLoop, "asyncio.Future[inbox.Accepted]"]
_Settled = tuple["asyncio.Future[inbox.Accepted]", inbox.Accepted]


class Awaiting:
    def __init__(self) -> None:
        self._waiting: dict[int, list[_Waiter]] = {}
        self._lock = threading.Lock()
        self._news = threading.Event()
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._available: bool | None = None

    def available(self) -> bool:
        """Whether this database's commits can be watched (else the caller processes)."""
        if self._available is None:
            watcher = inbox_store.store_of(get_db()).commits()
            if watcher is not None:
                watcher.close()
            self._available = watcher is not None
        return self._available

    async def processed(self, inbox_id: int, timeout: float) -> inbox.Accepted | None:
        """Where row ``inbox_id`` stands once a worker is done with it (processed, failed
        for good, quarantined); None if it is still pending after ``timeout`` seconds."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[inbox.Accepted] = loop.create_future()
        with self._lock:
            self._waiting.setdefault(inbox_id, []).append((loop, future))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="awaiting", daemon=True)
                self._thread.start()
        self._news.set()  # the row may be done already (a fast worker, or immediate jobs)
        try:
            return await asyncio.wait_for(future, timeout)
        except TimeoutError:
            return None
        finally:
            with self._lock:
                waiters = self._waiting.get(inbox_id, [])
                with contextlib.suppress(ValueError):
                    waiters.remove((loop, future))
                if not waiters:
                    self._waiting.pop(inbox_id, None)

    def stop(self) -> None:
        self._stopping = True
        self._news.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _run(self) -> None:
        store = inbox_store.store_of(get_db())
        watcher = store.commits()
        assert watcher is not None  # the route only waits where commits can be watched
        reader = store.state_reader()
        try:
            changed, last = True, 0.0
            while not self._stopping:
                if not self._waiting:
                    self._news.wait()
                if changed or self._news.is_set() or time.monotonic() - last > RECHECK:
                    self._news.clear()
                    last = time.monotonic()
                    try:
                        self._settle(reader)
                    except Exception:  # the requests time out into "queued"; nothing lost
                        log.warning("could not read the waiting inbox rows", exc_info=True)
                # Short, so a request that came meanwhile is looked at soon (its row may be
                # done already: immediate jobs, a duplicate's race).
                changed = watcher.wait(NEWCOMERS)
        finally:
            reader.close()
            watcher.close()

    def _settle(self, reader: inbox_store.StateReader) -> None:
        with self._lock:
            ids = list(self._waiting)
        if not ids:
            return
        finished = {
            inbox_id: state
            for inbox_id, state in reader.states(ids).items()
            if state.status != inbox.InboxStatus.PENDING
        }
        if not finished:
            return
        by_loop: dict[asyncio.AbstractEventLoop, list[_Settled]] = {}
        with self._lock:
            for inbox_id, state in finished.items():
                for loop, future in self._waiting.pop(inbox_id, []):
                    by_loop.setdefault(loop, []).append((future, state))
        for loop, settled in by_loop.items():
            with contextlib.suppress(RuntimeError):  # a closed loop: its requests are gone
                loop.call_soon_threadsafe(_settle, settled)


def _settle(settled: list[_Settled]) -> None:
    for future, state in settled:
        if not future.done():  # else the client went away or its time ran out
            future.set_result(state)
