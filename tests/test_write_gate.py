"""SQLite's writers in one process queue on a gate, and inbound processing (``db.urgent``)
goes before every ordinary writer already waiting: requests wait for it, listeners do not."""

from __future__ import annotations

import threading
import time

from minidesk.db import WriteGate


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
