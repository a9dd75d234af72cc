"""An inbox row's payload is the message as ``dataclasses.asdict`` gives it, and reads back
as the same message (the accept builds it without ``asdict``'s deep copies)."""

from __future__ import annotations

import dataclasses

from minidesk import inbox
from minidesk.channels.base import AttachmentIn, InboundMessage, Sender, Via


def test_a_payload_is_the_message_as_asdict_gives_it_and_reads_back_the_same() -> None:
    message = InboundMessage(
        channel="api",
        channel_id=3,
        external_id="integration:shop:m-1",
        sender=Sender(email="emma@example.com", name="Emma", verified=True),
        text="Where is my order?",
        thread_key="integration:shop:t-1",
        attachments=(AttachmentIn("a.png", "image/png", 10, url="https://x.example/a.png"),),
        reply_to_external_ids=("m-0",),
        via=Via(token_id=4, user_id=5, client="integration:shop"),
        meta={"k": "v"},
    )
    payload = inbox.to_payload(message)
    assert payload == dataclasses.asdict(message)
    assert inbox.from_payload(payload) == message
