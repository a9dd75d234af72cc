"""SQLite's log is checkpointed by a thread of its own, never inside a writer's commit.

A checkpoint in a commit held the write gates (and so every queued writer, the inbound batch
that requests wait for among them) for its copy and fsync. Observed from outside: the log's
pages reach the database file after commits, and commits alone never put them there.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from minidesk import wal_checkpoints
from minidesk.db import Database, make_engine

ROW = "x" * 3000  # about a page each
ROWS = 1500  # past SQLite's automatic checkpoint at 1,000 pages


def _fill(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (body TEXT)")
    for _ in range(0, ROWS, 100):
        with engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO t VALUES " + ",".join(["(?)"] * 100), tuple([ROW] * 100)
            )


def test_the_log_reaches_the_database_file_after_commits(tmp_path: Path) -> None:
    path = tmp_path / "desk.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        _fill(engine)
        # A connection held open, as a running process holds its pool: closing the last one
        # would make SQLite checkpoint by itself.
        with engine.connect():
            deadline = time.monotonic() + 10
            while path.stat().st_size < ROWS * len(ROW) and time.monotonic() < deadline:
                time.sleep(0.02)
            assert path.stat().st_size >= ROWS * len(ROW)
    finally:
        engine.dispose()


def test_commits_never_checkpoint_themselves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(wal_checkpoints, "committed", lambda _path: None)
    path = tmp_path / "desk.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        _fill(engine)
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
            # Everything is still in the log: the file holds the schema's first pages only.
            assert path.stat().st_size < 100_000
            busy, frames, done = wal_checkpoints.checkpoint(path)
            assert (busy, frames == done) == (0, True) and frames > 1000
            assert path.stat().st_size >= ROWS * len(ROW)
    finally:
        engine.dispose()


def test_a_database_deleted_since_its_last_commit_is_not_recreated(tmp_path: Path) -> None:
    path = tmp_path / "gone.db"
    with pytest.raises(Exception, match="unable to open"):
        wal_checkpoints.checkpoint(path)
    assert not path.exists()


def test_closing_a_database_right_after_commits_folds_its_log_away(tmp_path: Path) -> None:
    """Its last connection's close folds the log into the file and deletes it (snapshots and
    copies of a closed database rely on that), even with a checkpoint due or under way."""
    for attempt in range(20):
        path = tmp_path / f"closed-{attempt}.db"
        database = Database(f"sqlite:///{path}")
        _fill(database.engine)
        database.dispose()
        assert not path.with_name(f"{path.name}-wal").exists()


def test_disposing_a_writer_engine_right_after_commits_folds_its_log_away(
    tmp_path: Path,
) -> None:
    """A migration's engine, say: the file is copied as soon as ``dispose()`` returns (the
    test suite's template was, and a late migration's columns were missing from copies)."""
    for attempt in range(20):
        path = tmp_path / f"migrated-{attempt}.db"
        engine = make_engine(f"sqlite:///{path}")
        _fill(engine)
        engine.dispose()
        assert not path.with_name(f"{path.name}-wal").exists()


def test_a_forked_child_checkpoints_its_own_commits(tmp_path: Path) -> None:
    """The parent's checkpoint thread does not survive a fork; the child's commits must not
    be left to a thread that is not there (with automatic checkpoints off, the log would
    only grow)."""
    parent = make_engine(f"sqlite:///{tmp_path / 'parent.db'}")
    with parent.begin() as conn:  # the parent's thread is running now
        conn.exec_driver_sql("CREATE TABLE t (body TEXT)")
    parent.dispose()
    pid = os.fork()
    if pid == 0:  # the child: fill a database, exit 0 once its file holds the rows
        try:
            path = tmp_path / "child.db"
            engine = make_engine(f"sqlite:///{path}")
            _fill(engine)
            with engine.connect():
                deadline = time.monotonic() + 10
                while path.stat().st_size < ROWS * len(ROW) and time.monotonic() < deadline:
                    time.sleep(0.02)
                os._exit(0 if path.stat().st_size >= ROWS * len(ROW) else 1)
        finally:
            os._exit(2)  # never back into pytest
    deadline = time.monotonic() + 20
    while (done := os.waitpid(pid, os.WNOHANG))[0] == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    if done[0] == 0:  # stuck (on a lock the parent's thread held at the fork, say)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    assert done[0] == pid and os.waitstatus_to_exitcode(done[1]) == 0
