"""Top intents and its drill-down read a range of an index, never every ticket: at 1M tickets
the scan took 1.9 s (docs/metrics.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import event
from tests.conftest import ON_POSTGRES

from minidesk.db import Database
from minidesk.insights.intent_mix import intent_mix, tickets_of_intent

SINCE = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
UNTIL = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite's query plans; PostgreSQL's follow statistics")
@pytest.mark.parametrize("teams", [None, [1, 2]])
def test_top_intents_and_its_tickets_search_the_creation_index(
    database: Database, teams: list[int] | None
) -> None:
    seen: list[tuple[str, Any]] = []

    def remember(_conn: Any, _cursor: Any, sql: str, params: Any, *_rest: Any) -> None:
        seen.append((sql, params))

    event.listen(database.read_engine, "before_cursor_execute", remember)
    try:
        with database.sessions() as session:
            intent_mix(session, SINCE, UNTIL, teams)
            tickets_of_intent(session, SINCE, UNTIL, "billing", teams)
            tickets_of_intent(session, SINCE, UNTIL, None, teams)
    finally:
        event.remove(database.read_engine, "before_cursor_execute", remember)
    queries = [(sql, params) for sql, params in seen if "FROM tickets" in sql]
    assert len(queries) == 3
    with database.read_engine.connect() as conn:
        for sql, params in queries:
            plan = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params).all()
            details = " ".join(row[-1] for row in plan)
            assert "SEARCH tickets USING COVERING INDEX ix_tickets_created" in details, details
