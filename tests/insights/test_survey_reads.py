"""Reads of the survey answers on a list of tickets go by the ticket index. Written as
``kind = ? AND ticket_id IN (…)``, SQLite (without statistics) planned them by the kind
index: every survey answer in the whole log, for each chunk of tickets, in the survey
rollup's refresh, QA sampling's low-CSAT check and the experiments' CSAT."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session
from tests.conftest import ON_POSTGRES
from tests.query_plans import plan, reads_of_events

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


@pytest.mark.parametrize("read", READS, ids=lambda read: f"{read.__module__}.{read.__name__}")
def test_survey_answers_of_some_tickets_are_read_by_the_ticket_index(
    database: Database, read: Callable[[Session, list[int]], object]
) -> None:
    with reads_of_events(database) as seen, database.sessions() as session:
        read(session, [1, 2, 3])
    assert seen
    for sql, params in seen:
        details = plan(database, sql, params)
        assert "USING INDEX ix_events_ticket" in details, (details, sql)
