"""Keeps every IMAP mailbox read: one thread per mailbox, each a poll followed by IDLE where
the server offers it (new mail arrives within seconds), or a poll every
``MINIDESK_IMAP_POLL_SECONDS`` where it does not.

Runs inside ``minidesk worker`` and inside ``minidesk serve`` when that runs the job workers;
the mailbox lease (see ``poller``) keeps several such processes from reading one mailbox twice.
"""

from __future__ import annotations

import logging
import threading
import time

from minidesk.channels.email import poller
from minidesk.db import Database, get_db

log = logging.getLogger(__name__)

# How often the supervisor looks for new, changed or finished mailboxes.
TICK_SECONDS = 2.0


class Watcher:
    def __init__(self, poll_seconds: float, db: Database | None = None,
                 tick_seconds: float = TICK_SECONDS) -> None:  # fmt: skip
        self.poll_seconds = poll_seconds
        self.db = db or get_db()
        self.tick_seconds = tick_seconds
        self.stopping = threading.Event()
        self._threads: dict[int, threading.Thread] = {}
        self._next_at: dict[int, float] = {}
        self._supervisor = threading.Thread(target=self._supervise, name="imap-watcher",
                                            daemon=True)  # fmt: skip

    def start(self) -> Watcher:
        self._supervisor.start()
        return self

    def stop(self, timeout: float = 15.0) -> None:
        self.stopping.set()
        self._supervisor.join(timeout)
        for thread in list(self._threads.values()):
            thread.join(timeout)

    def _supervise(self) -> None:
        while not self.stopping.is_set():
            try:
                self._start_due()
            except Exception:  # the database may be briefly away; try again next tick
                log.exception("imap watcher: cannot list mailboxes")
            self.stopping.wait(self.tick_seconds)

    def _start_due(self) -> None:
        now = time.monotonic()
        for channel_id in poller.imap_channel_ids(self.db):
            running = self._threads.get(channel_id)
            if (running and running.is_alive()) or now < self._next_at.get(channel_id, 0):
                continue
            thread = threading.Thread(target=self._run, args=(channel_id,),
                                      name=f"imap-{channel_id}", daemon=True)  # fmt: skip
            self._threads[channel_id] = thread
            thread.start()

    def _run(self, channel_id: int) -> None:
        try:
            result = poller.poll_mailbox(channel_id, db=self.db, idle_seconds=self.poll_seconds,
                                         stop=self.stopping)  # fmt: skip
        except Exception:
            log.exception("imap watcher: email channel %s", channel_id)
            result = poller.PollResult(channel_id, error="unexpected failure")
        # After a full IDLE session, listen again at once; after an error, a busy lease or a
        # server without IDLE, wait one poll interval.
        pause = 0.0 if result.idled and not result.error else self.poll_seconds
        self._next_at[channel_id] = time.monotonic() + pause
