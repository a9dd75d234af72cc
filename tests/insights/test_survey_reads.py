"""Reads of the survey answers on a list of tickets go by the ticket index. Written as
``kind = ? AND ticket_id IN (…)``, SQLite (without statistics) planned them by the kind
index: every survey answer in the whole log, for each chunk of tickets, in the survey
rollup's refresh, QA sampling's low-CSAT check and the experiments' CSAT."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session
from tests.conftest import ON_POSTGRES

from minidesk.db import Database
from minidesk.insights import experiments, qa, survey_days

pytestmark = pytest.mark.skipif(
    ON_POSTGRES, reason="SQLite's query plans; PostgreSQL's follow statistics"
)

READS: list[Callable[[Session, list[int]], object]] = [
    survey_days.fresh_rows,
    qa._low_csat,
    experiments._csat,
]


@contextmanager
def selects_on_events(database: Database) -> Iterator[list[tuple[str, Any]]]:
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


@pytest.mark.parametrize("read", READS, ids=lambda read: f"{read.__module__}.{read.__name__}")
def test_survey_answers_of_some_tickets_are_read_by_the_ticket_index(
    database: Database, read: Callable[[Session, list[int]], object]
) -> None:
    with selects_on_events(database) as seen, database.sessions() as session:
        read(session, [1, 2, 3])
    assert seen
    with database.read_engine.connect() as conn:
        for sql, params in seen:
            plan = " ".join(
                row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params)
            )
            assert "USING INDEX ix_events_ticket" in plan, (plan, sql)
