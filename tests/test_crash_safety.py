"""A worker killed with SIGKILL mid-processing loses nothing and duplicates nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from minidesk import inbox, settings
from minidesk.channels.base import InboundMessage, Sender
from minidesk.db import Database
from minidesk.desk.models import Direction, Message

pytestmark = pytest.mark.slow
MESSAGES = 300


def _worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "minidesk", "worker", "--threads", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _processed(database: Database) -> int:
    with database.sessions() as session:
        return (
            session.scalar(
                select(func.count()).where(inbox.InboxItem.status == inbox.InboxStatus.DONE)
            )
            or 0
        )


def test_sigkilled_worker_loses_and_duplicates_nothing(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Accept with a real (file) queue that nobody consumes yet, as the web process would.
    queue_url = f"sqlite:///{tmp_path / 'queue.db'}"
    from minidesk import jobs

    current = settings.get_settings()
    jobs.configure(current.model_copy(update={"queue_url": queue_url}))
    for i in range(MESSAGES):
        inbox.accept(
            InboundMessage(
                channel="api",
                external_id=f"crash-{i}",
                sender=Sender(email=f"c{i % 40}@example.com"),
                text=f"Where is my order #{2000 + i}?",
            )
        )
    env = {
        **os.environ,
        "MINIDESK_DATABASE_URL": current.database_url,
        "MINIDESK_QUEUE_URL": queue_url,
        "MINIDESK_SECRET_KEY": "test-secret-key-of-32-bytes-or-more",
        "MINIDESK_LOG_LEVEL": "warning",
    }

    worker = _worker(env)
    deadline = time.monotonic() + 60
    while _processed(database) < MESSAGES // 5 and time.monotonic() < deadline:
        time.sleep(0.02)
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    killed_at = _processed(database)
    assert 0 < killed_at < MESSAGES, "the kill must land mid-way for this test to mean anything"

    worker = _worker(env)
    try:
        deadline = time.monotonic() + 120
        while _processed(database) < MESSAGES and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        worker.send_signal(signal.SIGINT)
        worker.wait(timeout=30)

    with database.sessions() as session:
        assert _processed(database) == MESSAGES
        inbound = select(func.count()).where(Message.direction == Direction.INBOUND)
        assert session.scalar(inbound) == MESSAGES
        per_inbox_row = session.execute(
            select(Message.inbox_id, func.count())
            .where(Message.inbox_id.is_not(None))
            .group_by(Message.inbox_id)
            .having(func.count() > 1)
        ).all()
        assert per_inbox_row == []
