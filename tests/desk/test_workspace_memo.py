"""The workspace is read once per transaction (``minidesk.memo``), yet a change made in
another transaction is seen by the next one, and a change made in this one at once."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from minidesk.db import Database
from minidesk.desk.workspace import do_update_workspace, get_workspace
from minidesk.events import SYSTEM


@contextmanager
def counted(database: Database) -> Iterator[list[str]]:
    """The SQL statements run on ``database``'s engines inside the block."""
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    engines = {database.engine, database.read_engine}
    for engine in engines:
        sa_event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        for engine in engines:
            sa_event.remove(engine, "before_cursor_execute", count)


def workspace_reads(statements: list[str]) -> int:
    return sum("FROM workspace" in s for s in statements)


def test_read_once_per_transaction_with_or_without_a_row(database: Database) -> None:
    for _ in range(2):  # first without the row (a fresh install), then with it
        with database.transaction() as session, counted(database) as seen:
            names = {get_workspace(session).name for _ in range(5)}
        assert workspace_reads(seen) == 1
        assert len(names) == 1
        with database.transaction() as session:
            do_update_workspace(session, {"name": "Acme"}, SYSTEM)


def test_a_change_committed_elsewhere_is_seen_by_the_next_transaction(
    database: Database,
) -> None:
    session: Session = database.write_sessions()
    try:
        assert get_workspace(session).timezone == "UTC"  # the defaults, no row yet
        session.commit()
        with database.transaction() as other:
            do_update_workspace(other, {"timezone": "Europe/Paris"}, SYSTEM)
        assert get_workspace(session).timezone == "Europe/Paris"
        session.commit()
        with database.transaction() as other:
            do_update_workspace(other, {"timezone": "Asia/Tokyo"}, SYSTEM)
        # The session still holds the row it read, yet the new transaction reads it afresh.
        assert get_workspace(session).timezone == "Asia/Tokyo"
        session.commit()
    finally:
        session.close()


def test_a_change_in_this_transaction_is_seen_at_once(database: Database) -> None:
    with database.transaction() as session:
        assert get_workspace(session).name == "My shop"
        do_update_workspace(session, {"name": "Acme", "reopen_window_days": 3}, SYSTEM)
        assert get_workspace(session).name == "Acme"
        assert get_workspace(session).reopen_window_days == 3
    with database.transaction() as session:
        assert get_workspace(session).name == "Acme"


def test_a_change_rolled_back_with_its_savepoint_is_forgotten(database: Database) -> None:
    for _ in range(2):  # without the row, then with it
        with database.transaction() as session:
            before = get_workspace(session).name
            try:
                with session.begin_nested():
                    do_update_workspace(session, {"name": "Rolled back"}, SYSTEM)
                    assert get_workspace(session).name == "Rolled back"
                    raise RuntimeError("undo")
            except RuntimeError:
                pass
            assert get_workspace(session).name == before
        with database.transaction() as session:
            assert get_workspace(session).name == before
            do_update_workspace(session, {"name": "Acme"}, SYSTEM)
