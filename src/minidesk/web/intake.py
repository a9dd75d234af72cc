"""Hands inbound messages from the event loop to a few threads that store them.

An accept is a short write transaction. Run from FastAPI's thread pool, dozens of request
threads queue on the database's write lock, wake one by one and fight over the GIL, and each
holds (or opens, once the pool overflows) its own connection: under load that convoy costs
several times the accept itself. Here requests stay on the event loop and a fixed set of
threads — one on SQLite, whose writers are serialised anyway — takes whatever has queued up
and stores it, then wakes the waiting requests together.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import Callable

from minidesk import inbox
from minidesk.channels.base import InboundMessage
from minidesk.triage import analyse_many

# Requests are answered once per batch; a bound keeps the first of a burst from waiting long.
MAX_BATCH = 64

_Pending = tuple[InboundMessage, asyncio.AbstractEventLoop, "asyncio.Future[inbox.Accepted]"]
Outcome = inbox.Accepted | Exception
_Outcome = tuple["asyncio.Future[inbox.Accepted]", Outcome]
# Stores a batch; one outcome per message, in order (an exception fails only its request).
StoreMany = Callable[[list[InboundMessage]], list[Outcome]]


def together(messages: list[InboundMessage]) -> list[Outcome]:
    """One transaction for the whole group (``inbox.accept_many``); if it fails, a
    transaction per message, so one bad message fails only its own request.

    The group is triaged first and each reading stored with its message: the web processes
    read what they accept side by side, and the inbound worker, the one writer every message
    waits for, only writes (a reading it cannot use, it takes again: ``pipeline``).
    """
    readings = [
        reading.to_json() for reading in analyse_many([(m.text, m.subject) for m in messages])
    ]
    try:
        return list(inbox.accept_many(messages, readings=readings))
    except Exception:
        if len(messages) == 1:
            raise
    return one_by_one(messages)


def one_by_one(messages: list[InboundMessage]) -> list[Outcome]:
    outcomes: list[Outcome] = []
    for message in messages:
        try:
            outcomes.append(inbox.accept(message))
        except Exception as exc:  # the request answers 500; the others go on
            outcomes.append(exc)
    return outcomes


class Intake:
    def __init__(self, threads: int = 1, store_many: StoreMany = together) -> None:
        self.threads = threads
        self.store_many = store_many
        self._queue: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        self._workers: list[threading.Thread] = []
        self._lock = threading.Lock()

    async def accept(self, message: InboundMessage) -> inbox.Accepted:
        """``inbox.accept(message)``, without blocking the event loop: returns after commit."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[inbox.Accepted] = loop.create_future()
        if not self._workers:
            self._start()
        self._queue.put((message, loop, future))
        return await future

    def _start(self) -> None:
        # Started on first use rather than at start-up, so an app served without its
        # lifespan (some test clients) still accepts.
        with self._lock:
            while len(self._workers) < self.threads:
                worker = threading.Thread(
                    target=self._run, name=f"intake-{len(self._workers)}", daemon=True
                )
                worker.start()
                self._workers.append(worker)

    def stop(self, timeout: float = 30) -> None:
        """Store what is queued, then end the threads."""
        with self._lock:
            workers, self._workers = self._workers, []
            for _ in workers:
                self._queue.put(None)
        for worker in workers:
            worker.join(timeout)

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < MAX_BATCH:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    self._queue.put(None)  # stop after this batch
                    break
                batch.append(item)
            self._store(batch)

    def _store(self, batch: list[_Pending]) -> None:
        try:
            outcomes = self.store_many([message for message, _, _ in batch])
        except Exception as exc:
            outcomes = [exc] * len(batch)
        by_loop: dict[asyncio.AbstractEventLoop, list[_Outcome]] = {}
        for (_, loop, future), outcome in zip(batch, outcomes, strict=True):
            by_loop.setdefault(loop, []).append((future, outcome))
        for loop, settled in by_loop.items():
            # One wake-up per loop per batch, not one per request. A closed loop raises:
            # its requests are gone.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(_settle, settled)


def _settle(settled: list[_Outcome]) -> None:
    for future, outcome in settled:
        if future.done():  # the client went away
            continue
        if isinstance(outcome, BaseException):
            future.set_exception(outcome)
        else:
            future.set_result(outcome)
