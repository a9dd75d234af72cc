"""minidesk's tasks on the queue, and the hints backend that feeds them.

``configure()`` builds the queue for the settings, registers the tasks that run the core's
work (processing inbox rows, dispatching events, delivering outbox rows, long periodic jobs,
the minute sweep) and installs itself as the core's ``minidesk.hints`` backend.
"""

from __future__ import annotations

import datetime as dt
import threading

from huey import Huey, crontab

from minidesk import events, features, hints, inbox_store, outbox
from minidesk.db import get_db, utcnow
from minidesk.jobs import drain, queue
from minidesk.jobs.coalesce import Coalescer
from minidesk.jobs.sweep import GRACE, run_long_job, run_sweep
from minidesk.settings import Settings, get_settings

_huey: Huey | None = None


def configure(settings: Settings, *, immediate: bool = False) -> Huey:
    """Create the queue for ``settings``, register minidesk's tasks on it and make it the
    destination of this process's hints."""
    global _huey
    features.load_listeners()
    huey = queue.build_huey(settings.effective_queue_url, immediate=immediate)
    _register(huey, settings)
    _huey = huey
    install_hints()
    return huey


def get_huey() -> Huey:
    return _huey if _huey is not None else configure(get_settings())


def _register(huey: Huey, settings: Settings) -> None:
    from minidesk import pipeline

    @huey.task(name="process_inbox", priority=queue.PRIORITY["process_inbox"])
    def process_inbox(inbox_ids: list[int] | int) -> None:
        # A bare id is a hint queued by a minidesk before batching; still honoured.
        pipeline.process_batch([inbox_ids] if isinstance(inbox_ids, int) else inbox_ids)

    @huey.task(name="dispatch_events", priority=queue.PRIORITY["dispatch_events"])
    def dispatch_events(event_ids: list[int]) -> None:
        with get_db().transaction() as session:
            events.dispatch_many(session, event_ids)

    @huey.task(name="deliver", priority=queue.PRIORITY["deliver"])
    def deliver(outbox_id: int) -> None:
        outbox.deliver(get_db(), outbox_id, settings.outbox_max_attempts)

    @huey.task(name="long_job", priority=queue.PRIORITY["long_job"])
    def long_job(name: str) -> None:
        run_long_job(name)

    queue.use_tasks(
        huey,
        {
            "process_inbox": process_inbox,
            "dispatch_events": dispatch_events,
            "deliver": deliver,
            "long_job": long_job,
        },
    )

    @huey.periodic_task(crontab(minute="*"), name="sweep")
    def sweep() -> None:
        run_sweep(utcnow() - GRACE)

    recovered = threading.Lock()  # taken, never released, by the first thread's recovery

    @huey.on_startup()
    def recover() -> None:
        # A worker that died may have committed work whose hints it never sent, or taken
        # queued hints with it: everything still pending is due. Huey runs this in each
        # consumer thread; the first one does it for the queue.
        if recovered.acquire(blocking=False):
            run_sweep(utcnow(), everything=True)


def _queue(task_name: str, ids: list[int]) -> None:
    get_huey()  # the first hint of a process that never configured opens its queue
    queue.enqueue(task_name, ids)


process_hints = Coalescer(lambda ids: _queue("process_inbox", ids))


def enqueue_process(inbox_id: int) -> None:
    if get_huey().immediate:
        queue.enqueue("process_inbox", [inbox_id])  # tests and one-shot commands: run it now
    elif inbox_store.store_of(get_db()).drain_lock() is None:
        process_hints.add(inbox_id)
    # else a worker watching the store (``drain``) has seen the row already


def enqueue_dispatch(event_ids: list[int]) -> None:
    get_huey()
    queue.enqueue("dispatch_events", event_ids)


def enqueue_delivery(outbox_id: int, eta: dt.datetime | None = None) -> None:
    get_huey()
    queue.enqueue("deliver", outbox_id, eta=eta)


class QueueHints:
    """The ``minidesk.hints`` backend: every hint becomes a job on this process's queue."""

    def inbox_accepted(self, inbox_id: int) -> None:
        enqueue_process(inbox_id)

    def outbox_due(self, outbox_id: int, eta: dt.datetime | None = None) -> None:
        enqueue_delivery(outbox_id, eta)

    def events_committed(self, event_ids: list[int]) -> None:
        enqueue_dispatch(event_ids)

    def long_job_due(self, name: str) -> None:
        get_huey()
        queue.enqueue("long_job", name)  # the job claims its work: queued twice, done once


def install_hints() -> None:
    """Send this process's hints to the queue of its settings, opened on the first hint (a
    one-off command that writes rows but runs no jobs calls only this)."""
    hints.install(QueueHints())


class Embedded:
    """The job threads inside ``serve``: Huey's consumer and, where workers watch the inbox
    store rather than take hints (SQLite's spool), its drainer."""

    def __init__(self, consumer: queue.EmbeddedConsumer, drainer: drain.Drainer | None) -> None:
        self.consumer, self.drainer = consumer, drainer

    def stop(self, graceful: bool = True) -> None:
        if self.drainer is not None:
            self.drainer.stop()
        self.consumer.stop(graceful=graceful)


def start_embedded(workers: int) -> Embedded:
    return Embedded(queue.start_consumer(get_huey(), workers), start_drainer(workers))


def start_drainer(threads: int = 2) -> drain.Drainer | None:
    """Follow the inbox store in this process where workers watch it (SQLite's spool)."""
    return drain.start(get_db(), threads)
