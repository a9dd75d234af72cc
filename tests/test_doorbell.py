"""A web process waiting for tickets on SQLite is rung by the worker after each processing
commit (``doorbell``), across processes, and spends nothing on commits that process no row;
the worker's draining threads are rung by each accept in turn, and do not poll the spool."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from tests.conftest import ON_POSTGRES

from minidesk import doorbell, inbox, inbox_store
from minidesk.channels.base import InboundMessage, Sender
from minidesk.db import Database

linux_only = pytest.mark.skipif(not doorbell.supported(), reason="abstract sockets are Linux's")


def _ring_from_another_process(folder: Path) -> None:
    code = f"import pathlib, minidesk.doorbell as d; d.ring(pathlib.Path({str(folder)!r}))"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


@linux_only
def test_a_ring_from_another_process_wakes_the_waiter_once(tmp_path: Path) -> None:
    bell = doorbell.Doorbell(tmp_path / "waiters")
    try:
        assert bell.wait(0.01) is False
        _ring_from_another_process(tmp_path / "waiters")
        _ring_from_another_process(tmp_path / "waiters")
        assert bell.wait(5) is True
        assert bell.wait(0.05) is False  # both rings were read by that one wake-up
    finally:
        bell.close()
    assert list((tmp_path / "waiters").iterdir()) == []


@linux_only
def test_a_waiter_whose_process_died_is_forgotten_by_the_next_ring(tmp_path: Path) -> None:
    folder = tmp_path / "waiters"
    folder.mkdir()
    (folder / "12345-deadbeefdeadbeef").touch()  # named, but nobody is bound there
    bell = doorbell.Doorbell(folder)
    try:
        doorbell.ring(folder)
        assert bell.wait(5) is True
        assert [path.name for path in folder.iterdir()] == [bell.name]
    finally:
        bell.close()


@linux_only
@pytest.mark.skipif(ON_POSTGRES, reason="the spool is SQLite's (PostgreSQL uses LISTEN/NOTIFY)")
def test_only_processing_commits_wake_a_web_process_waiting_for_tickets(
    database: Database,
) -> None:
    store = inbox_store.store_of(database)
    watcher = store.commits()
    assert watcher is not None
    try:
        watcher.wait(0.01)
        # A commit that processes no inbound row (a listener, an agent's reply) costs the
        # waiting web processes nothing: they are not woken to re-read their rows.
        with database.transaction() as session:
            session.execute(text("CREATE TABLE IF NOT EXISTS doorbell_probe (id integer)"))
        assert watcher.wait(0.1) is False
        store.committed()  # what the pipeline calls after each processing commit
        assert watcher.wait(5) is True
    finally:
        watcher.close()


@linux_only
@pytest.mark.skipif(ON_POSTGRES, reason="the spool is SQLite's (PostgreSQL uses LISTEN/NOTIFY)")
def test_a_draining_thread_sleeps_until_an_accept_rings_it(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = inbox_store.store_of(database)
    looks: list[str] = []
    connect = sqlite3.connect

    def counted(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        connection = connect(*args, **kwargs)
        connection.set_trace_callback(looks.append)
        return connection

    with monkeypatch.context() as patched:
        patched.setattr(sqlite3, "connect", counted)
        watcher = store.arrivals()  # a worker's draining thread's
    assert watcher is not None
    try:
        looks.clear()
        assert watcher.wait(0.5) is False
        # Polled every millisecond, an idle worker read the spool ~100 times in that time.
        assert len(looks) <= 12
        inbox.accept(InboundMessage("api", "rung-1", Sender(email="emma@example.com"), text="hi"))
        assert watcher.wait(5) is True
        assert watcher.wait(0.01) is False  # that accept woke it once
    finally:
        watcher.close()
