"""The KPI listener's refresh of a dispatch batch reads its tickets' events by the ticket
index (planned by the kind index, each batch read every event of those kinds in the whole log
for a few dozen tickets, so its CPU per message grew with the size of the desk), and writes
its rows as plain statements that a failing neighbour's savepoint takes back with the rest."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.conftest import ON_POSTGRES, Cast, inbound
from tests.insights.test_rollups import snapshot
from tests.query_plans import plan, reads_of_events

from minidesk import events
from minidesk.db import Database
from minidesk.desk.models import Ticket
from minidesk.event_kinds import EventKind
from minidesk.events import Event, registry
from minidesk.insights.rollup import rebuild, refresh
from minidesk.insights.rollup_models import KpiTicketFacts


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite's query plans; PostgreSQL's follow statistics")
def test_a_batch_of_new_tickets_reads_only_their_own_events(
    client: TestClient, cast: Cast, database: Database
) -> None:
    for i in range(4):  # new tickets in a row: a run of ids, as a busy batch holds
        inbound(client, cast.shop, f"Where is order {1000 + i}?", f"reads-{i}",
                email=f"reader{i}@example.com")  # fmt: skip
    with database.sessions() as session:
        ids = list(session.scalars(select(Ticket.id).order_by(Ticket.id)))
    assert len(ids) == 4 and ids[-1] - ids[0] == 3
    with reads_of_events(database) as reads, database.transaction() as session:
        refresh(session, ids)
    assert reads, "the refresh folds the tickets' events"
    for sql, params in reads:
        details = plan(database, sql, params)
        assert "USING INDEX ix_events_ticket" in details, (details, sql)


@pytest.fixture
def failing_after_the_rollup() -> Iterator[None]:
    """A transactional listener registered after every feature's: it fails on each customer
    message, so the batch's shared savepoint, the rollup's writes in it, rolls back."""
    saved = {kind: list(found) for kind, found in registry._listeners.items()}

    def refuse(_session: Session, _event: Event) -> None:
        raise RuntimeError("refused")

    events.listen(EventKind.MESSAGE_RECEIVED, transactional=True)(refuse)
    yield
    registry._listeners.clear()
    registry._listeners.update(saved)


def test_a_failing_listener_in_the_batch_leaves_the_rollups_as_a_rebuild_would(
    client: TestClient, cast: Cast, database: Database, failing_after_the_rollup: None
) -> None:
    for i in range(3):
        inbound(client, cast.shop, f"Where is order {1000 + i}?", f"fails-{i}",
                email=f"failing{i}@example.com")  # fmt: skip
    with database.sessions() as session:
        failed = list(session.scalars(
            select(Event.data).where(Event.kind == str(EventKind.LISTENER_FAILED))
        ))  # fmt: skip
        facts = session.scalar(select(func.count()).select_from(KpiTicketFacts))
    # Only the failing listener failed: the rollup's rows from the rolled-back attempt are
    # gone, so its run alone wrote them once (a leftover would have collided on the key).
    assert [data["listener"] for data in failed] == ["failing_after_the_rollup.<locals>.refuse"] * 3
    assert facts == 3
    kept = snapshot(database)
    with database.transaction() as session:
        rebuild(session)
    assert snapshot(database) == kept
