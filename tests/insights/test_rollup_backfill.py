"""After the upgrade that added the per-day rollups they start empty: the worker's minute
sweep finds them so while tickets exist and one worker fills them, as the rebuild would."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, text
from tests.conftest import ON_POSTGRES, Cast
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


def _empty_the_rollups(client: TestClient, cast: Cast, database: Database) -> None:
    converse(client, cast, seed=7, tickets=3)
    with database.transaction() as session:
        for model in ROLLUPS:
            session.execute(delete(model))


@pytest.mark.skipif(not ON_POSTGRES, reason="SQLite's write lock is the claim, per file")
def test_another_desk_rebuilding_in_the_same_database_does_not_hold_this_ones_claim(
    client: TestClient, cast: Cast, database: Database
) -> None:
    """Advisory locks are per database; desks (and test processes) may share one in schemas
    of their own. Another schema's rebuild in progress must not make this desk skip its own."""
    _empty_the_rollups(client, cast, database)
    with database.engine.connect() as other:
        other.execute(text("SET search_path TO public"))
        assert other.execute(backfill.CLAIM).scalar() is True  # public's rebuild is under way
        assert backfill.run(utcnow()) == 1
        other.rollback()


@pytest.mark.skipif(not ON_POSTGRES, reason="SQLite's write lock is the claim, per file")
def test_a_second_worker_of_the_same_desk_leaves_the_rebuild_to_the_first(
    client: TestClient, cast: Cast, database: Database
) -> None:
    _empty_the_rollups(client, cast, database)
    with database.engine.connect() as other:
        assert other.execute(backfill.CLAIM).scalar() is True
        assert backfill.run(utcnow()) == 0
        other.rollback()
    assert backfill.run(utcnow()) == 1


def test_a_new_desk_has_nothing_to_fill(database: Database) -> None:
    assert not backfill.is_due(utcnow())
    assert backfill.run(utcnow()) == 0


def test_the_sweep_knows_the_job() -> None:
    assert features.long_jobs()["insights_backfill"] is backfill.BACKFILL
