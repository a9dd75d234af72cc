"""The Huey queue itself: one API over a SQLite file (embedded), PostgreSQL or Redis, the
table of named tasks, and the consumer that runs them inside ``minidesk serve``."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

from minidesk.jobs import drivers

drivers.import_huey()  # before any other import of huey: see drivers

from huey import Huey, MemoryHuey, PostgresHuey, PriorityRedisHuey, SqliteHuey  # noqa: E402
from huey.api import TaskWrapper  # noqa: E402
from huey.consumer import Consumer  # noqa: E402

log = logging.getLogger(__name__)

# Inbound first: a message becomes a ticket agents can see before its listeners (rules,
# resolution flows) run, and replies already written go out before new ones are made.
# Under a burst, listeners lag and catch up; nothing waits for them to store mail. Long
# work (a retrain) waits with the listeners: it is never urgent.
PRIORITY = {"process_inbox": 20, "deliver": 10, "dispatch_events": 0, "long_job": 0}

_tasks: dict[str, TaskWrapper] = {}
failures = 0


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
        drivers.attach("redis")
        return PriorityRedisHuey(name, url=queue_url, results=False)
    drivers.attach("psycopg")
    return PostgresHuey(
        name, dsn=queue_url.replace("postgresql+psycopg", "postgresql"), results=False
    )


def use_tasks(huey: Huey, tasks: dict[str, TaskWrapper]) -> None:
    """Make ``tasks`` (registered on ``huey``) the ones ``enqueue`` queues, and count their
    failures for the metrics."""
    _tasks.clear()
    _tasks.update(tasks)

    @huey.signal("error")
    def count_failure(signal: str, task: Any, exc: Exception | None = None) -> None:
        global failures
        failures += 1


def enqueue(task_name: str, *args: Any, eta: dt.datetime | None = None) -> None:
    try:
        if eta is None:
            _tasks[task_name](*args)
        else:
            _tasks[task_name].schedule(args=args, eta=eta)
    except Exception:
        # The row is committed; the sweep will run it. A queue outage must not fail the
        # request that already durably accepted the work.
        log.exception("could not enqueue %s%s; the sweep will pick it up", task_name, args)


class EmbeddedConsumer(Consumer):
    """Huey's consumer as threads inside ``minidesk serve``: signals stay with the web server."""

    def _set_signal_handlers(self) -> None:
        pass


# Huey's idle workers poll with back-off up to 10 s by default, which would make a quiet desk
# answer late; half a second keeps latency low at a negligible polling cost.
POLL: dict[str, float] = {"initial_delay": 0.01, "backoff": 1.15, "max_delay": 0.5}


def start_consumer(huey: Huey, workers: int) -> EmbeddedConsumer:
    consumer = EmbeddedConsumer(
        huey,
        workers=workers,
        worker_type="thread",
        periodic=True,
        check_worker_health=False,
        **POLL,
    )
    consumer.start()
    return consumer
