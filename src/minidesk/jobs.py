"""Background jobs on Huey: one API over a SQLite file (embedded), PostgreSQL or Redis.

The queue only carries *hints* ("inbox row 42 is ready"). The truth lives in database rows
(inbox, events, outbox, ``*_due_at`` timers), so a lost job costs latency, never data: the
periodic sweep and every worker's start-up find whatever is still due and run it.
"""

from __future__ import annotations

import atexit
import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from huey import Huey, MemoryHuey, PostgresHuey, PriorityRedisHuey, SqliteHuey, crontab
from huey.api import TaskWrapper
from huey.consumer import Consumer

from minidesk import events, inbox, outbox
from minidesk.db import get_db, utcnow
from minidesk.settings import Settings, get_settings
from minidesk.spool import spool_of

log = logging.getLogger(__name__)

PRIORITY = {"process_inbox": 20, "deliver": 10, "dispatch_events": 0}
# Rows younger than this are left to the job that was queued for them.
SWEEP_GRACE = dt.timedelta(seconds=30)

_huey: Huey | None = None
_tasks: dict[str, TaskWrapper] = {}
_sweepers: list[Callable[[dt.datetime], int]] = []
failures = 0


def sweeper(fn: Callable[[dt.datetime], int]) -> Callable[[dt.datetime], int]:
    """Register a periodic job: called every minute with the current time, returns the number
    of rows it handled. Features use this for their ``*_due_at`` timers."""
    _sweepers.append(fn)
    return fn


def build_huey(queue_url: str, *, immediate: bool = False) -> Huey:
    name = "minidesk"
    if immediate or queue_url.startswith("memory"):
        return MemoryHuey(name, results=False, immediate=immediate)
    scheme, _, rest = queue_url.partition("://")
    if scheme == "sqlite":
        path = rest[1:]  # sqlite:///rel.db → "rel.db", sqlite:////abs.db → "/abs.db"
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        # No fsync per enqueue: queue rows are only hints (the truth is in the database and
        # the sweep re-finds anything a crash loses), so durability here would buy nothing.
        return SqliteHuey(name, filename=path, results=False, timeout=30, fsync=False)
    if scheme in ("redis", "rediss"):
        return PriorityRedisHuey(name, url=queue_url, results=False)
    return PostgresHuey(
        name, dsn=queue_url.replace("postgresql+psycopg", "postgresql"), results=False
    )


def configure(settings: Settings, *, immediate: bool = False) -> Huey:
    """Create the queue for ``settings`` and register minidesk's tasks on it."""
    global _huey
    from minidesk import features

    features.load()
    huey = build_huey(settings.effective_queue_url, immediate=immediate)
    _register(huey, settings)
    _huey = huey
    return huey


def get_huey() -> Huey:
    return _huey if _huey is not None else configure(get_settings())


def _register(huey: Huey, settings: Settings) -> None:
    from minidesk import pipeline

    # Inbound first: a message becomes a ticket agents can see before its listeners (rules,
    # resolution flows) run, and replies already written go out before new ones are made.
    # Under a burst, listeners lag and catch up; nothing waits for them to store mail.
    @huey.task(name="process_inbox", priority=PRIORITY["process_inbox"])
    def process_inbox(inbox_ids: list[int] | int) -> None:
        # A bare id is a hint queued by a minidesk before batching; still honoured.
        pipeline.process_batch([inbox_ids] if isinstance(inbox_ids, int) else inbox_ids)

    @huey.task(name="dispatch_events", priority=PRIORITY["dispatch_events"])
    def dispatch_events(event_ids: list[int]) -> None:
        with get_db().transaction() as session:
            events.dispatch_many(session, event_ids)

    @huey.task(name="deliver", priority=PRIORITY["deliver"])
    def deliver(outbox_id: int) -> None:
        outbox.deliver(get_db(), outbox_id, settings.outbox_max_attempts)

    _tasks.update(process_inbox=process_inbox, dispatch_events=dispatch_events, deliver=deliver)

    @huey.periodic_task(crontab(minute="*"), name="sweep")
    def sweep() -> None:
        run_sweep(utcnow() - SWEEP_GRACE)

    @huey.on_startup()
    def recover() -> None:
        # A worker that died took its queued hints with it; everything still pending is due.
        run_sweep(utcnow())

    @huey.signal("error")
    def count_failure(signal: str, task: Any, exc: Exception | None = None) -> None:
        global failures
        failures += 1


def run_sweep(before: dt.datetime) -> dict[str, int]:
    """Run everything that is due now (inbox, events, outbox, feature timers), inline."""
    from minidesk import pipeline

    db = get_db()
    settings = get_settings()
    spool = spool_of(db)
    if spool is not None:  # in case the process that accepted them is gone
        spool.prune()
    with db.sessions() as session:
        inbox_ids = [*(spool.waiting(before) if spool else []), *inbox.pending_ids(session, before)]
        event_ids = events.undispatched(session, before)
        outbox_ids = outbox.due_ids(session, utcnow())
    counts = {"inbox": 0, "events": 0, "outbox": 0}
    try:
        counts["inbox"] = len(pipeline.process_batch(inbox_ids, db))
    except Exception:
        log.exception("sweep: inbox batch failed")
    with db.transaction() as session:
        counts["events"] = events.dispatch_many(session, event_ids)
    for outbox_id in outbox_ids:
        counts["outbox"] += outbox.deliver(db, outbox_id, settings.outbox_max_attempts) is not None
    for fn in _sweepers:
        try:
            counts[fn.__qualname__] = fn(utcnow())
        except Exception:
            log.exception("sweeper %s failed", fn.__qualname__)
    if any(counts.values()):
        log.info("sweep", extra={"counts": counts})
    return counts


def _enqueue(task_name: str, *args: Any, eta: dt.datetime | None = None) -> None:
    get_huey()
    try:
        if eta is None:
            _tasks[task_name](*args)
        else:
            _tasks[task_name].schedule(args=args, eta=eta)
    except Exception:
        # The row is committed; the sweep will run it. A queue outage must not fail the
        # request that already durably accepted the work.
        log.exception("could not enqueue %s%s; the sweep will pick it up", task_name, args)


class Coalescer:
    """Gathers ids from many committing threads and queues them as a few batch jobs.

    Under load one job per message would cost a queue write per message and hand workers
    batches of one; instead a single thread wakes on the first id, waits ``window`` seconds
    for company, and queues what came (in chunks of ``batch``). While ids keep arriving
    faster than ``busy_rate`` a second, the wait doubles (up to ``max_window``): a worker
    pays for a batch, not for a message, so under load bigger batches are what keeps up,
    and when it is quiet the first message waits only ``window``. Ids are hints like any
    other: if the process dies first, the sweep finds their rows.
    """

    def __init__(
        self,
        task_name: str,
        window: float = 0.005,
        batch: int = 64,
        max_window: float = 0.05,
        busy_rate: float = 200,
    ) -> None:
        self.task_name, self.window, self.batch = task_name, window, batch
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
            _enqueue(self.task_name, ids[start : start + self.batch])
        return len(ids)

    def _run(self) -> None:
        window = self.window
        while True:
            self._wake.wait()
            time.sleep(window)
            busy = self.flush() >= self.busy_rate * window
            window = min(self.max_window, window * 2) if busy else self.window


_process_hints = Coalescer("process_inbox")


def enqueue_process(inbox_id: int) -> None:
    huey = get_huey()
    if huey.immediate:
        _enqueue("process_inbox", [inbox_id])  # tests and one-shot commands: run it now
    else:
        _process_hints.add(inbox_id)


def enqueue_dispatch(event_ids: list[int]) -> None:
    _enqueue("dispatch_events", event_ids)


def enqueue_delivery(outbox_id: int, eta: dt.datetime | None = None) -> None:
    _enqueue("deliver", outbox_id, eta=eta)


class EmbeddedConsumer(Consumer):
    """Huey's consumer as threads inside ``minidesk serve``: signals stay with the web server."""

    def _set_signal_handlers(self) -> None:
        pass


# Huey's idle workers poll with back-off up to 10 s by default, which would make a quiet desk
# answer late; half a second keeps latency low at a negligible polling cost.
POLL: dict[str, float] = {"initial_delay": 0.01, "backoff": 1.15, "max_delay": 0.5}


def start_embedded(workers: int) -> EmbeddedConsumer:
    consumer = EmbeddedConsumer(
        get_huey(),
        workers=workers,
        worker_type="thread",
        periodic=True,
        check_worker_health=False,
        **POLL,
    )
    consumer.start()
    return consumer
