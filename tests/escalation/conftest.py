"""The escalation tests' shared fixtures: the default matrix, as a fresh workspace has it,
and helpers to read escalations and events."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Cast, inbound

from minidesk.db import Database
from minidesk.escalation.rules import do_seed_defaults
from minidesk.events import Event


@pytest.fixture
def default_rules(database: Database) -> None:
    """Migration 0025 seeds them; the PostgreSQL pass truncates every table between tests,
    so they are put back here (a no-op on the SQLite pass's fresh copy)."""
    with database.transaction() as session:
        do_seed_defaults(session)


def open_ticket(
    client: TestClient,
    cast: Cast,
    text: str = "Hello, a question about your shop",
    external_id: str = "m1",
    email: str = "emma@example.com",
) -> int:
    body = inbound(client, cast.shop, text, external_id, email=email)
    return int(str(body["ticket_number"]))


def events_of(database: Database, kind: str, ticket: int | None = None) -> list[Event]:
    with database.sessions() as session:
        query = select(Event).where(Event.kind == kind).order_by(Event.id)
        if ticket is not None:
            query = query.where(Event.ticket_id == ticket)
        return list(session.scalars(query))


def escalations(client: TestClient, cast: Cast, ticket: int) -> dict[str, Any]:
    response = client.get(f"/api/v1/tickets/{ticket}/escalations", headers=cast.olivia.headers)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found
