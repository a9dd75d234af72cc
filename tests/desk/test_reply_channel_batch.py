"""A reply leaves on the channel the customer last wrote on; inside a dispatch batch that is
read for every ticket of the batch at once, with the same answers as one ticket at a time."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event as sa_event
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from tests.conftest import Cast, inbound

from minidesk import events
from minidesk.db import Database
from minidesk.desk.messages import reply_channel
from minidesk.desk.models import Direction, Message, Ticket
from minidesk.event_kinds import EventKind
from minidesk.events import Event
from minidesk.events import registry as listeners

THING = EventKind.CUSTOMER_WEBHOOK_SECRET_ROTATED  # empty payload, no built-in listener


@pytest.fixture
def registry() -> Iterator[None]:
    saved = {kind: list(found) for kind, found in listeners._listeners.items()}
    listeners._listeners.clear()
    yield
    listeners._listeners.clear()
    listeners._listeners.update(saved)


def test_a_batch_answers_each_ticket_as_alone(
    client: TestClient, cast: Cast, database: Database, registry: None
) -> None:
    moved = int(
        str(inbound(client, cast.shop, "First", "m1", email="ann@example.com")["ticket_number"])
    )
    stayed = int(
        str(inbound(client, cast.shop, "Other", "m2", email="bo@example.com")["ticket_number"])
    )
    inbound(client, cast.shop, "Later, by text", "m3", email="ann@example.com")
    with database.transaction() as session:
        # The customer's latest message came by SMS: replies follow it there.
        latest = session.scalar(
            select(Message.id)
            .where(Message.ticket_id == moved, Message.direction == Direction.INBOUND)
            .order_by(Message.id.desc())
        )
        session.execute(update(Message).where(Message.id == latest).values(channel="sms"))
        alone = {t: reply_channel(session, session.get_one(Ticket, t)) for t in (moved, stayed)}
        rows = [Event(kind=THING, ticket_id=t, actor_type="user", data={}) for t in (moved, stayed)]
        session.add_all(rows)
    assert alone[moved][0] == "sms" and alone[stayed][0] == "api"

    seen: dict[int, tuple[str, int | None]] = {}
    selects: list[str] = []

    def listener(session: Session, event: Event) -> None:
        assert event.ticket_id is not None
        seen[event.ticket_id] = reply_channel(session, session.get_one(Ticket, event.ticket_id))

    events.listen(THING, transactional=True)(listener)
    with database.transaction() as session:
        connection = session.connection()

        def count(_conn: object, _cursor: object, statement: str, *_: object) -> None:
            if "FROM messages" in statement:
                selects.append(statement)

        sa_event.listen(connection, "before_cursor_execute", count)
        events.dispatch_many(session, [row.id for row in rows])
    assert seen == alone
    assert len(selects) == 1  # both tickets' answers in one query
