"""SQLite's writers queue on a gate in each process and on a lock file between processes, and
inbound processing (``db.urgent``) goes before every ordinary writer already waiting: requests
wait for it, listeners do not."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from sqlalchemy import event

from minidesk.db import make_engine
from minidesk.write_gates import FileGate, WriteGate


def _wait_for(gate: WriteGate, order: list[str], name: str, *, urgent: bool) -> threading.Thread:
    def run() -> None:
        assert gate.acquire(urgent=urgent, timeout=10)
        order.append(name)
        gate.release()

    thread = threading.Thread(target=run)
    thread.start()
    time.sleep(0.05)  # queued before the next one arrives
    return thread


def test_an_urgent_writer_goes_before_ordinary_ones_that_queued_first() -> None:
    gate, order = WriteGate(), []
    assert gate.acquire(urgent=False, timeout=1)  # a listener batch inside
    waiting = [
        _wait_for(gate, order, "listeners 1", urgent=False),
        _wait_for(gate, order, "listeners 2", urgent=False),
        _wait_for(gate, order, "inbound", urgent=True),
    ]
    gate.release()
    for thread in waiting:
        thread.join(10)
    assert order[0] == "inbound"
    assert sorted(order[1:]) == ["listeners 1", "listeners 2"]


def test_an_urgent_writer_still_waits_for_the_one_inside() -> None:
    gate = WriteGate()
    assert gate.acquire(urgent=False, timeout=1)
    assert not gate.acquire(urgent=True, timeout=0.05)
    gate.release()
    assert gate.acquire(urgent=True, timeout=0.05)
    gate.release()


def test_a_flood_of_urgent_writers_cannot_starve_an_ordinary_one() -> None:
    gate = WriteGate(patience=0.2)
    stop = threading.Event()

    def inbound_batches() -> None:
        while not stop.is_set():
            assert gate.acquire(urgent=True, timeout=10)
            time.sleep(0.005)
            gate.release()

    flood = [threading.Thread(target=inbound_batches) for _ in range(3)]
    for thread in flood:
        thread.start()
    try:
        time.sleep(0.05)
        # Past its patience it competes as an equal, well within its time.
        got_in = gate.acquire(urgent=False, timeout=3)
        if got_in:
            gate.release()
    finally:
        stop.set()
        for thread in flood:
            thread.join(10)
    assert got_in


# Between processes: ``file_gate.FileGate``. Two gates on one file conflict as two processes'
# would (each opens the lock files itself), so one test process can play both.


def test_one_process_writes_at_a_time(tmp_path: Path) -> None:
    inbound, jobs = FileGate(tmp_path / "d.db"), FileGate(tmp_path / "d.db")
    now = time.monotonic()
    assert jobs.acquire(urgent=False, since=now, deadline=now + 1)
    assert not inbound.acquire(urgent=True, since=now, deadline=time.monotonic() + 0.05)
    jobs.release()
    assert inbound.acquire(urgent=True, since=now, deadline=time.monotonic() + 0.05)
    inbound.release()


def test_an_ordinary_writer_steps_back_while_another_process_has_an_urgent_one_waiting(
    tmp_path: Path,
) -> None:
    inbound, jobs = FileGate(tmp_path / "d.db"), FileGate(tmp_path / "d.db")
    inbound.announce()  # its batch queues for the lock a listener batch is about to take
    now = time.monotonic()
    assert not jobs.acquire(urgent=False, since=now, deadline=now + 0.05)  # the lock is free
    inbound.withdraw()
    assert jobs.acquire(urgent=False, since=now, deadline=time.monotonic() + 0.05)
    jobs.release()


def test_an_ordinary_writer_is_not_held_back_by_its_own_process(tmp_path: Path) -> None:
    # Its own urgent writers queue behind it on the process's WriteGate, which it holds.
    worker = FileGate(tmp_path / "d.db")
    worker.announce()
    now = time.monotonic()
    assert worker.acquire(urgent=False, since=now, deadline=now + 0.05)
    worker.release()
    worker.withdraw()


def test_a_waiting_urgent_writer_cannot_starve_another_process_past_its_patience(
    tmp_path: Path,
) -> None:
    inbound, jobs = FileGate(tmp_path / "d.db"), FileGate(tmp_path / "d.db", patience=0.1)
    inbound.announce()
    now = time.monotonic()
    assert jobs.acquire(urgent=False, since=now, deadline=now + 2)
    assert time.monotonic() - now >= 0.1
    jobs.release()
    inbound.withdraw()


def test_the_lock_file_is_handed_on_after_the_commit_not_before_it(tmp_path: Path) -> None:
    # Else the next process's BEGIN IMMEDIATE meets SQLite's own lock, and its busy handler
    # sleep-polls (1, 2, 5 ... 100 ms) for a lock that is free a moment later.
    path = tmp_path / "d.db"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    other, seen = FileGate(path), []

    def next_writer(_conn: object) -> None:  # runs after the gate's own commit listener
        now = time.monotonic()
        seen.append(other.acquire(urgent=True, since=now, deadline=now + 0.05))
        raw = sqlite3.connect(path, timeout=0, isolation_level=None)
        raw.execute("BEGIN IMMEDIATE")  # no "database is locked": committed already
        raw.execute("ROLLBACK")
        raw.close()
        other.release()

    event.listen(engine, "commit", next_writer)
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO t VALUES (1)")
        now = time.monotonic()
        assert not other.acquire(urgent=True, since=now, deadline=now + 0.02)
    assert seen == [True]
    engine.dispose()


def test_no_lock_file_stays_open_between_transactions(tmp_path: Path) -> None:
    # The suite opens thousands of databases in one process: descriptors kept per file
    # would run out.
    engine = make_engine(f"sqlite:///{tmp_path / 'd.db'}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    fds = Path("/proc/self/fd")
    open_locks = [fd for fd in fds.iterdir() if str(fd.resolve(strict=False)).endswith(".lock")]
    assert open_locks == []
    engine.dispose()
