"""The pipeline inserts a batch's messages as values, one statement per table
(``desk.inbound``), and what it looks up by query still sees the batch's earlier messages."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy import event as sa_event

from minidesk import hints, inbox, pipeline
from minidesk.channels.base import AttachmentIn, InboundMessage, Sender
from minidesk.db import Database
from minidesk.desk.models import Attachment, Message


@pytest.fixture(autouse=True)
def held(monkeypatch: pytest.MonkeyPatch) -> None:
    """Accepted rows wait until the test processes them; listeners stay idle."""
    monkeypatch.setattr(hints, "inbox_accepted", lambda inbox_id: None)
    monkeypatch.setattr(hints, "events_committed", lambda event_ids: None)


def _mail(who: str, key: str, text: str, **more: Any) -> InboundMessage:
    return InboundMessage(
        channel="api",
        external_id=f"{key}@rows.example",
        sender=Sender(email=f"{who}@rows.example"),
        text=text,
        **more,
    )


def test_a_reply_to_a_message_earlier_in_its_batch_lands_on_that_ticket(
    database: Database,
) -> None:
    ids = [
        inbox.accept(message).inbox_id
        for message in (
            _mail("ana", "r1", "First question", new_conversation=True),
            _mail("ana", "r2", "A second, unrelated question", new_conversation=True),
            # Ana's latest open ticket is the second; the reply names the first.
            _mail(
                "ana", "r3", "More on my first question", reply_to_external_ids=("r1@rows.example",)
            ),
        )
    ]
    done = pipeline.process_batch(ids, database)
    assert set(done) == set(ids)
    first, second, reply = (done[i].ticket_id for i in ids)
    assert first != second
    assert reply == first


def test_a_batchs_messages_and_attachments_go_in_with_one_insert_each(
    database: Database,
) -> None:
    files = (
        AttachmentIn(filename="a.txt", content_type="text/plain", size=3, storage_key="k1"),
        AttachmentIn(filename="b.jpg", content_type="image/jpeg", size=9, fetch="media-1"),
    )
    messages = [
        _mail(f"c{i}", f"m{i}", f"Where is order {i}?", attachments=files) for i in range(4)
    ]
    ids = [inbox.accept(message).inbox_id for message in messages]
    statements: list[str] = []

    def seen(_c: Any, _cur: Any, statement: str, *_: Any) -> None:
        statements.append(statement.split("(", maxsplit=1)[0].strip())

    sa_event.listen(Engine, "before_cursor_execute", seen)
    try:
        done = pipeline.process_batch(ids, database)
    finally:
        sa_event.remove(Engine, "before_cursor_execute", seen)
    assert statements.count("INSERT INTO messages") == 1
    assert statements.count("INSERT INTO attachments") == 1
    with database.sessions() as session:
        for inbox_id, message in zip(ids, messages, strict=True):
            row = session.get_one(Message, done[inbox_id].message_id)
            assert (row.inbox_id, row.ticket_id, row.text) == (
                inbox_id,
                done[inbox_id].ticket_id,
                message.text,
            )
            stored = session.scalars(
                select(Attachment).where(Attachment.message_id == row.id).order_by(Attachment.id)
            ).all()
            assert [(a.filename, a.fetch_status, a.fetch_source) for a in stored] == [
                ("a.txt", None, None),
                ("b.jpg", "pending", "media-1"),
            ]
