"""After the upgrade that added the per-day rollups they start empty: the worker's minute
sweep finds them so while tickets exist and one worker fills them, as the rebuild would."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import delete
from tests.conftest import Cast
from tests.insights.test_rollups import ROLLUPS, converse, snapshot

from minidesk import features
from minidesk.db import Database, utcnow
from minidesk.insights import backfill


def test_a_desk_with_tickets_and_empty_rollups_gets_them_filled_once(
    client: TestClient, cast: Cast, database: Database
) -> None:
    converse(client, cast, seed=7, tickets=3)
    kept = snapshot(database)
    assert kept["kpi_daily"], "the listeners keep the rollups as tickets come in"
    assert not backfill.is_due(utcnow())
    with database.transaction() as session:
        for model in ROLLUPS:
            session.execute(delete(model))
    assert backfill.is_due(utcnow())
    assert backfill.run(utcnow()) == 1
    assert snapshot(database) == kept
    # Filled: nothing more to do, and a second queued run (another worker's sweep) does none.
    assert not backfill.is_due(utcnow())
    assert backfill.run(utcnow()) == 0


def test_a_new_desk_has_nothing_to_fill(database: Database) -> None:
    assert not backfill.is_due(utcnow())
    assert backfill.run(utcnow()) == 0


def test_the_sweep_knows_the_job() -> None:
    assert features.long_jobs()["insights_backfill"] is backfill.BACKFILL
