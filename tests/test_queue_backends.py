"""The job queue's real backends: the embedded SQLite file and Redis, with real consumers."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
import redis

from minidesk import inbox, jobs, settings
from minidesk.channels.base import InboundMessage, Sender
from minidesk.db import Database

REDIS_URL = os.environ.get("MINIDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_available() -> bool:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError:
        return False
    return True


def _process_through(queue_url: str, database: Database) -> None:
    jobs.configure(settings.get_settings().model_copy(update={"queue_url": queue_url}))
    accepted = [
        inbox.accept(
            InboundMessage(
                channel="api",
                external_id=f"q-{i}",
                sender=Sender(email=f"q{i}@example.com"),
                text=f"hello {i}",
            )
        )
        for i in range(5)
    ]
    consumer = jobs.start_embedded(workers=2)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            states = [inbox.status_of(a.inbox_id).status for a in accepted]
            if states == [inbox.InboxStatus.DONE] * len(accepted):
                break
            time.sleep(0.05)
    finally:
        consumer.stop(graceful=True)
    assert [inbox.status_of(a.inbox_id).ticket_id is not None for a in accepted] == [True] * 5


def test_the_embedded_sqlite_queue_runs_jobs(database: Database, tmp_path: Path) -> None:
    _process_through(f"sqlite:///{tmp_path / 'queue.db'}", database)


def test_the_redis_queue_runs_jobs(database: Database) -> None:
    if not _redis_available():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI requires Redis at {REDIS_URL}")
        pytest.skip(f"no Redis at {REDIS_URL}")
    redis.Redis.from_url(REDIS_URL).flushdb()
    _process_through(REDIS_URL, database)


@pytest.mark.parametrize("backend", ["sqlite", "redis"])
def test_inbound_jobs_are_taken_before_listener_jobs(
    backend: str, database: Database, tmp_path: Path
) -> None:
    """Under a burst, messages become tickets before their listeners run."""
    if backend == "redis":
        if not _redis_available():
            pytest.skip(f"no Redis at {REDIS_URL}")
        redis.Redis.from_url(REDIS_URL).flushdb()
        queue_url = REDIS_URL
    else:
        queue_url = f"sqlite:///{tmp_path / 'queue.db'}"
    huey = jobs.configure(settings.get_settings().model_copy(update={"queue_url": queue_url}))
    jobs.enqueue_dispatch([1, 2])
    jobs.enqueue_delivery(3)
    jobs.enqueue("process_inbox", [4])
    order = [huey.dequeue().name for _ in range(3)]
    assert order == ["process_inbox", "deliver", "dispatch_events"]
