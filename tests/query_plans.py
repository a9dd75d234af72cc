"""What SQLite plans for the reads a piece of code makes of the event log: tests that a read
goes by the index meant for it (the kind index would read every event of a kind in the log)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from minidesk.db import Database


@contextmanager
def reads_of_events(database: Database) -> Iterator[list[tuple[str, Any]]]:
    """The SELECTs on ``events`` sent meanwhile, through the writer or the read engine."""
    seen: list[tuple[str, Any]] = []

    def remember(_conn: Any, _cursor: Any, sql: str, params: Any, *_rest: Any) -> None:
        if sql.lstrip().startswith("SELECT") and "FROM events" in sql:
            seen.append((sql, params))

    engines = {database.engine, database.read_engine}  # one on PostgreSQL
    for engine in engines:
        event.listen(engine, "before_cursor_execute", remember)
    try:
        yield seen
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", remember)


def plan(database: Database, sql: str, params: Any) -> str:
    """SQLite's query plan for ``sql``, its steps in one line."""
    with database.read_engine.connect() as conn:
        steps = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params)
        return " ".join(row[-1] for row in steps)
