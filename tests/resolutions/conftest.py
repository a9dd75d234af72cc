"""The demo store seeded into each test's database, and helpers to read what happened."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Cast
from tests.resolutions.shop import load_shop

from minidesk.db import Database
from minidesk.desk.models import Direction, Message, Ticket
from minidesk.events import Event

EMMA = "emma.garcia@example.com"
LIAM = "liam.silva@example.com"


@pytest.fixture
def shop(client: TestClient, cast: Cast, database: Database) -> Database:
    """The demo store's catalogue and orders loaded through the API (``shop.load_shop``)."""
    load_shop(client, cast)
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


def templates(database: Database, ticket_id: int) -> list[str | None]:
    """The template each reply was rendered from (recorded on the message with its variant)."""
    with database.sessions() as session:
        rows = session.scalars(
            select(Message.meta)
            .where(Message.ticket_id == ticket_id, Message.direction == Direction.OUTBOUND)
            .order_by(Message.id)
        )
        return [meta.get("template") for meta in rows]


def kinds(database: Database, ticket_id: int, prefix: str) -> list[dict[str, Any]]:
    with database.sessions() as session:
        rows = session.scalars(
            select(Event)
            .where(Event.ticket_id == ticket_id, Event.kind.startswith(prefix))
            .order_by(Event.id)
        )
        return [{"kind": e.kind, **e.data} for e in rows]


@dataclass(frozen=True)
class Seen:
    status: str
    priority: str
    resolution: str | None
    turns: int
    tags: list[str]


def ticket(database: Database, ticket_id: int) -> Seen:
    with database.sessions() as session:
        row = session.get_one(Ticket, ticket_id)
        return Seen(row.status, row.priority, row.resolution, row.turns, row.tags)
