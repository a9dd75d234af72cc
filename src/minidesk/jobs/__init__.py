"""Background jobs on Huey: one API over a SQLite file (embedded), PostgreSQL or Redis.

The queue only carries *hints* ("inbox row 42 is ready"). The truth lives in database rows
(inbox, events, outbox, ``*_due_at`` timers), so a lost job costs latency, never data: the
periodic sweep and every worker's start-up find whatever is still due and queue it again.

The core never imports this package: it hints through ``minidesk.hints``, which
``configure()`` points here, and features declare periodic work in ``minidesk.periodic``.

- ``queue``: building the Huey queue, the task table, the embedded consumer;
- ``coalesce``: many threads' ids queued as a few batch jobs;
- ``sweep``: the minute sweep and the long jobs it queues;
- ``drain``: workers that follow the inbox store (SQLite's spool) instead of hints;
- ``backend``: minidesk's tasks, ``configure()``, and the hints backend.
"""

from __future__ import annotations

from typing import Any

from minidesk.jobs import queue
from minidesk.jobs.backend import (
    configure,
    enqueue_delivery,
    enqueue_dispatch,
    enqueue_process,
    get_huey,
    install_hints,
    process_hints,
    start_drainer,
    start_embedded,
)
from minidesk.jobs.coalesce import Coalescer
from minidesk.jobs.queue import POLL, PRIORITY, EmbeddedConsumer, build_huey, enqueue
from minidesk.jobs.sweep import GRACE as SWEEP_GRACE
from minidesk.jobs.sweep import run_sweep

__all__ = [
    "POLL",
    "PRIORITY",
    "SWEEP_GRACE",
    "Coalescer",
    "EmbeddedConsumer",
    "build_huey",
    "configure",
    "enqueue",
    "enqueue_delivery",
    "enqueue_dispatch",
    "enqueue_process",
    "get_huey",
    "install_hints",
    "process_hints",
    "run_sweep",
    "start_drainer",
    "start_embedded",
]


def __getattr__(name: str) -> Any:
    # ``failures`` is a counter the queue's error signal rebinds: read it there, live.
    if name == "failures":
        return queue.failures
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
