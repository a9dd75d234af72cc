"""A worker killed with SIGKILL mid-processing loses nothing and duplicates nothing; one
running only listeners (``--role jobs``) killed mid-dispatch leaves every listener's work
done exactly once after it restarts."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from minidesk import inbox, pipeline, settings
from minidesk.channels.base import InboundMessage, Sender
from minidesk.db import Database
from minidesk.desk.models import Direction, Message
from minidesk.event_kinds import EventKind
from minidesk.events import Event

pytestmark = pytest.mark.slow
MESSAGES = 300


def _worker(env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "minidesk", "worker", "--threads", "2", *args],
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


def _accept_all(queue_url: str, customers: int) -> tuple[dict[str, str], list[int]]:
    """Accept MESSAGES messages with a real (file) queue that nobody consumes yet, as the
    web process would; the environment a worker on this database and queue runs with, and
    the messages' inbox ids."""
    from minidesk import jobs

    current = settings.get_settings()
    jobs.configure(current.model_copy(update={"queue_url": queue_url}))
    accepted = [
        inbox.accept(
            InboundMessage(
                channel="api",
                external_id=f"crash-{i}",
                sender=Sender(email=f"c{i % customers}@example.com"),
                text=f"Where is my order #{2000 + i}?",
            )
        ).inbox_id
        for i in range(MESSAGES)
    ]
    environment = {
        **os.environ,
        "MINIDESK_DATABASE_URL": current.database_url,
        "MINIDESK_QUEUE_URL": queue_url,
        "MINIDESK_SECRET_KEY": "test-secret-key-of-32-bytes-or-more",
        "MINIDESK_LOG_LEVEL": "warning",
    }
    return environment, accepted


def test_sigkilled_worker_loses_and_duplicates_nothing(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env, _accepted = _accept_all(f"sqlite:///{tmp_path / 'queue.db'}", customers=40)

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


def _received(database: Database, *, dispatched: bool = False) -> int:
    """How many message.received events there are (only those dispatched, if asked)."""
    query = select(func.count()).where(Event.kind == EventKind.MESSAGE_RECEIVED)
    if dispatched:
        query = query.where(Event.dispatched_at.is_not(None))
    with database.sessions() as session:
        return session.scalar(query) or 0


def _undispatched(database: Database) -> int:
    with database.sessions() as session:
        return session.scalar(select(func.count()).where(Event.dispatched_at.is_(None))) or 0


def test_a_listener_worker_killed_mid_dispatch_leaves_each_listeners_work_done_once(
    database: Database, tmp_path: Path
) -> None:
    # Every message its own customer, so each ticket hears one message.received and the
    # resolution bot answers it with exactly one turn (asked, closed or handed off).
    env, accepted = _accept_all(f"sqlite:///{tmp_path / 'queue.db'}", customers=MESSAGES)
    assert pipeline.process_batch(accepted, database).keys() == set(accepted)
    assert _received(database) == MESSAGES and _received(database, dispatched=True) == 0

    worker = _worker(env, "--role", "jobs")
    deadline = time.monotonic() + 120
    while _received(database, dispatched=True) < MESSAGES // 5 and time.monotonic() < deadline:
        time.sleep(0.02)
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    killed_at = _received(database, dispatched=True)
    assert 0 < killed_at < MESSAGES, "the kill must land mid-way for this test to mean anything"

    worker = _worker(env, "--role", "jobs")  # its start-up finds what the dead one left
    try:
        deadline = time.monotonic() + 180
        while _undispatched(database) and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        worker.send_signal(signal.SIGINT)
        worker.wait(timeout=30)

    assert _undispatched(database) == 0
    turns = (
        EventKind.RESOLUTION_ASKED,
        EventKind.RESOLUTION_CLOSED,
        EventKind.RESOLUTION_HANDED_OFF,
    )
    with database.sessions() as session:
        per_ticket = session.execute(
            select(Event.ticket_id, func.count())
            .where(Event.kind.in_(turns))
            .group_by(Event.ticket_id)
        ).all()
        failed = session.scalar(select(func.count()).where(Event.kind == EventKind.LISTENER_FAILED))
    assert len(per_ticket) == MESSAGES  # every message answered ...
    assert {count for _ticket, count in per_ticket} == {1}  # ... once
    assert failed == 0
