"""SQLite's log is checkpointed by a thread of its own, never inside a writer's commit.

A checkpoint in a commit held the write gates (and so every queued writer, the inbound batch
that requests wait for among them) for its copy and fsync. Observed from outside: the log's
pages reach the database file after commits, and commits alone never put them there.
"""

from __future__ import annotations

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
