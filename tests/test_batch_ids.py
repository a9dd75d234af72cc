"""A SQLite writer chooses its new rows' ids before the flush, so each table's rows go in one
statement, and a reply learns its id without a flush of its own; on PostgreSQL the flush
assigns them as before. Either way the rows, their events and outbox row agree."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session
from tests.conftest import ingest

from minidesk.batch_ids import ensure_id, take_ids
from minidesk.channels.base import InboundMessage, Sender
from minidesk.db import Database
from minidesk.desk.messages import MessageType, do_reply
from minidesk.desk.models import Message, Ticket
from minidesk.event_kinds import EventKind
from minidesk.events import SYSTEM, Event
from minidesk.outbox import OutboxItem


def _inserts(session: Session, table: str) -> list[bool]:
    """Whether each INSERT into ``table`` from now on is an executemany."""
    seen: list[bool] = []

    def record(_c: Any, _cur: Any, statement: str, _p: Any, _ctx: Any, many: bool) -> None:
        if statement.startswith(f"INSERT INTO {table} "):
            seen.append(many)

    sa_event.listen(session.connection(), "before_cursor_execute", record)
    return seen


def _ticket() -> int:
    message = InboundMessage(
        channel="api", external_id="ids-1", sender=Sender(email="emma@example.com"), text="hi"
    )
    return ingest(message)[0]


def test_a_row_learns_its_id_unflushed_and_goes_in_with_the_others(database: Database) -> None:
    ticket_id = _ticket()
    with database.transaction() as session:
        before = session.scalar(select(func.max(Message.id))) or 0
        inserts = _inserts(session, "messages")
        rows = [
            Message(ticket_id=ticket_id, direction="note", channel="api", text=text)
            for text in ("first", "second", "third")
        ]
        session.add_all(rows)
        ensure_id(session, rows[1])
        if database.is_sqlite:
            # The ids SQLite would have chosen, in the order added, and nothing inserted yet.
            assert [row.id for row in rows] == [before + 1, before + 2, before + 3]
            assert inserts == []
        session.flush()
        ids = [row.id for row in rows]
    if database.is_sqlite:
        assert inserts == [True]  # the three rows in one executemany
    with database.sessions() as session:
        stored = session.execute(select(Message.id, Message.text).where(Message.id.in_(ids)))
        expected = list(zip(ids, ("first", "second", "third"), strict=True))
        assert sorted((row.id, row.text) for row in stored) == expected


def test_a_reply_its_events_and_its_outbox_row_agree(database: Database) -> None:
    ticket_id = _ticket()
    with database.transaction() as session:
        ticket = session.get_one(Ticket, ticket_id)
        note = do_reply(session, ticket, "looked into it", SYSTEM, kind=MessageType.NOTE)
        reply = do_reply(session, ticket, "on its way", SYSTEM)
        ids = note.id, reply.id
    with database.sessions() as session:
        stored = session.scalars(select(Message.text).where(Message.id.in_(ids)))
        assert sorted(stored) == ["looked into it", "on its way"]
        kinds = [EventKind.NOTE_ADDED, EventKind.MESSAGE_SENT]
        told = select(Event.kind, Event.message_id).where(
            Event.kind.in_(kinds), Event.message_id.in_(ids)
        )
        about = {kind: message_id for kind, message_id in session.execute(told)}
        assert about == {EventKind.NOTE_ADDED: ids[0], EventKind.MESSAGE_SENT: ids[1]}
        queued = select(OutboxItem.message_id).where(OutboxItem.ticket_id == ticket_id)
        assert ids[1] in set(session.scalars(queued))


def _top_reads(session: Session, table: str) -> list[str]:
    """Every read of ``table``'s highest id from now on."""
    seen: list[str] = []

    def record(_c: Any, _cur: Any, statement: str, _p: Any, _ctx: Any, _many: bool) -> None:
        if statement.startswith("SELECT max(") and f"FROM {table}" in statement:
            seen.append(statement)

    sa_event.listen(session.connection(), "before_cursor_execute", record)
    return seen


def _note(ticket_id: int, text: str) -> Message:
    return Message(ticket_id=ticket_id, direction="note", channel="api", text=text)


def test_a_transaction_reads_a_tables_highest_id_once(database: Database) -> None:
    ticket_id = _ticket()
    with database.transaction() as session:
        reads = _top_reads(session, "messages")
        rows = [_note(ticket_id, f"note {i}") for i in range(5)]
        for row in rows:
            session.add(row)
            ensure_id(session, row)
            session.flush()
        ids = [row.id for row in rows]
    assert ids == list(range(ids[0], ids[0] + 5))
    if database.is_sqlite:
        assert len(reads) == 1  # then it counts on from the ids it chose


def test_an_insert_that_leaves_the_id_to_sqlite_is_not_collided_with(database: Database) -> None:
    ticket_id = _ticket()
    with database.transaction() as session:
        first = _note(ticket_id, "first")
        session.add(first)
        ensure_id(session, first)
        session.flush()
        # A Core INSERT (as ``emit_many`` makes): the database chooses its id.
        table = Message.__table__
        row = {"ticket_id": ticket_id, "direction": "note", "channel": "api", "text": "core"}
        core_id = session.execute(insert(table).returning(table.c.id), [row]).scalar_one()
        second = _note(ticket_id, "second")
        session.add(second)
        ensure_id(session, second)
        session.flush()
        # ... and SQL text likewise (a copy of the Core row).
        columns = ", ".join(c.name for c in table.c if c.name != "id")
        session.execute(
            text(f"INSERT INTO messages ({columns}) SELECT {columns} FROM messages WHERE id = :i"),
            {"i": core_id},
        )
        third = _note(ticket_id, "third")
        session.add(third)
        ensure_id(session, third)
        ids = [first.id, core_id, second.id, third.id]
    assert len(set(ids)) == 4 and ids == sorted(ids)
    with database.sessions() as session:
        stored = session.scalars(select(Message.text).where(Message.ticket_id == ticket_id))
        assert {"core", "first", "second", "third"} <= set(stored)


def test_ids_taken_for_a_core_insert_are_sqlites_and_the_flush_counts_on(
    database: Database,
) -> None:
    if not database.is_sqlite:
        pytest.skip("PostgreSQL's sequences choose the ids")
    ticket_id = _ticket()
    with database.transaction() as session:
        before = session.scalar(select(func.max(Message.id))) or 0
        taken = take_ids(session, Message, 2)
        assert list(taken) == [before + 1, before + 2]
        table = Message.__table__
        rows = [
            {"id": message_id, "ticket_id": ticket_id, "direction": "note", "channel": "api"}
            for message_id in taken
        ]
        session.execute(insert(table), rows)
        later = _note(ticket_id, "later")
        session.add(later)
        ensure_id(session, later)
        assert later.id == before + 3
        session.flush()
    with database.sessions() as session:
        stored = session.scalars(select(Message.id).where(Message.id > before)).all()
        assert sorted(stored) == [before + 1, before + 2, before + 3]
