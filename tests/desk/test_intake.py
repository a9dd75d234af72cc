"""The web intake: requests wait on the event loop while its thread stores their messages."""

from __future__ import annotations

import asyncio
import threading

import pytest

from minidesk import inbox
from minidesk.channels.base import InboundMessage, Sender
from minidesk.web.intake import Intake, Outcome


def _message(external_id: str) -> InboundMessage:
    return InboundMessage(
        channel="api", external_id=external_id, sender=Sender(email="emma@example.com"), text="Hi"
    )


class Store:
    """Records the batches it was handed; refuses the message called 'bad'."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.entered = threading.Event()
        self.gate = threading.Event()
        self.gate.set()

    def __call__(self, messages: list[InboundMessage]) -> list[Outcome]:
        self.entered.set()
        self.gate.wait(5)
        self.batches.append([m.external_id for m in messages])
        return [
            RuntimeError("disk full")
            if m.external_id == "bad"
            else inbox.Accepted(i, False, inbox.InboxStatus.PENDING)
            for i, m in enumerate(messages)
        ]


def test_a_failed_message_fails_only_its_own_request() -> None:
    intake = Intake(store_many=Store())

    async def post_three() -> list[object]:
        return await asyncio.gather(
            *(intake.accept(_message(e)) for e in ("a", "bad", "b")), return_exceptions=True
        )

    outcomes = asyncio.run(post_three())
    intake.stop()
    assert isinstance(outcomes[1], RuntimeError)
    assert [type(o) for o in (outcomes[0], outcomes[2])] == [inbox.Accepted] * 2


def test_messages_that_queue_up_are_stored_together() -> None:
    store = Store()
    intake = Intake(store_many=store)

    async def burst() -> None:
        store.gate.clear()  # the thread takes the first message and waits here
        first = asyncio.ensure_future(intake.accept(_message("first")))
        await asyncio.to_thread(store.entered.wait, 5)
        rest = [asyncio.ensure_future(intake.accept(_message(f"m{i}"))) for i in range(5)]
        await asyncio.sleep(0)  # each has queued its message and now awaits the answer
        store.gate.set()
        await asyncio.gather(first, *rest)

    asyncio.run(burst())
    intake.stop()
    assert store.batches == [["first"], [f"m{i}" for i in range(5)]]


def test_the_intake_stores_a_real_message_once(config: object) -> None:
    intake = Intake()

    async def twice() -> tuple[inbox.Accepted, inbox.Accepted]:
        first = await intake.accept(_message("intake-1"))
        return first, await intake.accept(_message("intake-1"))

    first, again = asyncio.run(twice())
    intake.stop()
    assert not first.duplicate
    assert again.duplicate and again.inbox_id == first.inbox_id


@pytest.mark.parametrize("threads", [1, 3])
def test_stop_ends_every_thread(threads: int) -> None:
    intake = Intake(threads=threads, store_many=Store())
    asyncio.run(intake.accept(_message("x")))
    workers = list(intake._workers)
    intake.stop()
    assert len(workers) == threads
    assert not any(worker.is_alive() for worker in workers)
