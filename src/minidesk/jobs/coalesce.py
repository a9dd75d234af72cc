"""Many committing threads' ids, queued as a few batch jobs."""

from __future__ import annotations

import atexit
import threading
import time
from collections.abc import Callable


class Coalescer:
    """Gathers ids from many committing threads and hands them to ``send`` in a few batches.

    Under load one job per message would cost a queue write per message and hand workers
    batches of one; instead a single thread wakes on the first id, waits ``window`` seconds
    for company, and sends what came (in chunks of ``batch``). While ids keep arriving
    faster than ``busy_rate`` a second, the wait doubles (up to ``max_window``): a worker
    pays for a batch, not for a message, so under load bigger batches are what keeps up,
    and when it is quiet the first message waits only ``window``. Ids are hints like any
    other: if the process dies first, the sweep finds their rows.
    """

    def __init__(
        self,
        send: Callable[[list[int]], None],
        window: float = 0.005,
        batch: int = 64,
        max_window: float = 0.05,
        busy_rate: float = 200,
    ) -> None:
        self.send, self.window, self.batch = send, window, batch
        self.max_window, self.busy_rate = max_window, busy_rate
        self._ids: list[int] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def add(self, item_id: int) -> None:
        with self._lock:
            self._ids.append(item_id)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="hints", daemon=True)
                self._thread.start()
                atexit.register(self.flush)
        self._wake.set()

    def flush(self) -> int:
        with self._lock:
            ids, self._ids = self._ids, []
            self._wake.clear()
        for start in range(0, len(ids), self.batch):
            self.send(ids[start : start + self.batch])
        return len(ids)

    def _run(self) -> None:
        window = self.window
        while True:
            self._wake.wait()
            time.sleep(window)
            busy = self.flush() >= self.busy_rate * window
            window = min(self.max_window, window * 2) if busy else self.window
