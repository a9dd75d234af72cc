"""A test that starts from the cast's snapshot (``tests/snapshots.py``) holds what building the
cast in it would have given it: the same rows under the same ids, and the same next ids."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import sqlalchemy as sa
from tests.conftest import ON_POSTGRES, Cast, make_cast
from tests.snapshots import Snapshot, copy_file, empty_written_tables, restore

from minidesk.db import Database
from minidesk.desk import users
from minidesk.events import SYSTEM
from minidesk.models import Base


def _state(database: Database) -> dict[str, object]:
    """Each table's row count and highest id, then the id a new team gets."""
    state: dict[str, object] = {}
    with database.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            count = connection.scalar(sa.select(sa.func.count()).select_from(table))
            top = connection.scalar(sa.select(sa.func.max(table.c.id))) if "id" in table.c else None
            if count:
                state[table.name] = (count, top)
    with database.transaction() as session:
        team = users.get_or_create_team(session, "Next", SYSTEM)
        session.flush()
        state["next team"] = team.id
    return state


def _ids(cast: Cast) -> list[object]:
    """Everything but the tokens' secrets (new ones each time; every request checks them)."""
    values = [getattr(cast, field.name) for field in fields(cast)]
    # By attribute: pytest loads conftest.py as a module of its own, beside tests.conftest.
    return [(v.id, v.email, v.role) if hasattr(v, "token") else v for v in values]


def test_the_cast_snapshot_holds_the_cast_as_built(
    database: Database, cast_snapshot: tuple[Snapshot, Cast], tmp_path: Path
) -> None:
    snapshot, snapshot_cast = cast_snapshot
    built = make_cast(database)
    assert _ids(built) == _ids(snapshot_cast)
    fresh = _state(database)
    assert fresh["users"] == (6, 6) and fresh["teams"] == (2, 2)

    if ON_POSTGRES:
        empty_written_tables(database)
        restore(snapshot, database)
        assert _state(database) == fresh
        return
    copy_file(snapshot, tmp_path / "restored.db")
    restored = Database(f"sqlite:///{tmp_path / 'restored.db'}")
    try:
        assert _state(restored) == fresh
    finally:
        restored.dispose()
