"""A draining worker's threads take a burst together: what arrives while one thread reads and
triages its batch waits for the next batch rather than starting a batch of its own, since a
batch's fixed cost (its reads, claim, flush and commit) is most of a small batch's CPU."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import pytest

from minidesk import hints, inbox, pipeline
from minidesk.channels.base import InboundMessage, Sender
from minidesk.db import Database
from minidesk.jobs import drain
from minidesk.triage import TriageResult

# How long each batch's triage takes here: long enough that the burst below arrives within it.
TRIAGE_SECONDS = 0.6


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows reach the pipeline only through the drainer; listeners stay idle."""
    monkeypatch.setattr(hints, "inbox_accepted", lambda inbox_id: None)
    monkeypatch.setattr(hints, "events_committed", lambda event_ids: None)


def _message(key: str) -> InboundMessage:
    return InboundMessage(
        channel="api",
        external_id=key,
        sender=Sender(email=f"{key}@example.com"),
        text=f"Where is my order {key}?",
    )


def _processed(database: Database, ids: list[int], seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        states = inbox.states(ids, database)
        if len(states) == len(ids) and all(
            s.status == inbox.InboxStatus.DONE for s in states.values()
        ):
            return True
        time.sleep(0.05)
    return False


def test_messages_arriving_while_a_batch_is_triaged_go_in_one_next_batch(
    database: Database, held: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    sizes: list[int] = []
    triaging = threading.Event()
    analyse = pipeline.analyse_many

    def slow(texts: Sequence[tuple[str, str]]) -> list[TriageResult]:
        sizes.append(len(texts))
        triaging.set()
        time.sleep(TRIAGE_SECONDS)
        return analyse(texts)

    monkeypatch.setattr(pipeline, "analyse_many", slow)
    drainer = drain.start(database, threads=2)
    if drainer is None:
        pytest.skip("this store's rows reach workers by hints, not by a drainer")
    try:
        ids = [inbox.accept(_message("first"), db=database).inbox_id]
        assert triaging.wait(30)
        for i in range(5):  # a burst, one by one, while the first batch is being triaged
            ids.append(inbox.accept(_message(f"next-{i}"), db=database).inbox_id)
            time.sleep(0.02)
        assert _processed(database, ids)
    finally:
        drainer.stop()
    assert sizes == [1, 5]
