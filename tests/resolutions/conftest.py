"""The demo store seeded into each test's database, and helpers to read what happened."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from minidesk.commerce.sample import seed_store
from minidesk.db import Database, utcnow
from minidesk.desk.models import Direction, Message, Ticket
from minidesk.events import Event

EMMA = "emma.garcia@example.com"
LIAM = "liam.silva@example.com"


@pytest.fixture
def store(database: Database) -> Database:
    with database.transaction() as session:
        seed_store(session, utcnow(), customers=4, orders=12)
    return database


def replies(database: Database, ticket_id: int) -> list[str]:
    with database.sessions() as session:
        return list(
            session.scalars(
                select(Message.text)
                .where(Message.ticket_id == ticket_id, Message.direction == Direction.OUTBOUND)
                .order_by(Message.id)
            )
        )


def kinds(database: Database, ticket_id: int, prefix: str) -> list[dict[str, Any]]:
    with database.sessions() as session:
        rows = session.scalars(
            select(Event).where(Event.ticket_id == ticket_id, Event.kind.startswith(prefix))
            .order_by(Event.id)
        )
        return [{"kind": e.kind, **e.data} for e in rows]


def ticket(database: Database, ticket_id: int) -> Ticket:
    with database.sessions() as session:
        return session.get_one(Ticket, ticket_id)
