"""Between tests on PostgreSQL the fixtures delete only what was written: every table must still
end empty and every identity start again at 1, as ``TRUNCATE ... RESTART IDENTITY`` of every
table did (tests name rows by the ids they expect)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from tests.conftest import ON_POSTGRES, Cast
from tests.snapshots import empty_written_tables

from minidesk.db import Database
from minidesk.desk import users
from minidesk.events import SYSTEM
from minidesk.models import Base

pytestmark = pytest.mark.skipif(not ON_POSTGRES, reason="SQLite copies a fresh file per test")


def test_the_reset_leaves_every_table_empty_and_every_id_at_one(
    database: Database, cast: Cast
) -> None:
    # The cast wrote users, teams, tokens and events; a rolled-back insert moved the teams'
    # sequence on and left no row behind to show it.
    with pytest.raises(LookupError), database.transaction() as session:
        users.get_or_create_team(session, "Doomed", SYSTEM)
        session.flush()
        raise LookupError

    empty_written_tables(database)

    with database.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            count = connection.scalar(sa.select(sa.func.count()).select_from(table))
            assert count == 0, table.name
    with database.transaction() as session:
        team = users.get_or_create_team(session, "Support", SYSTEM)
        session.flush()
        assert team.id == 1
