"""The KPI rollups filled by the worker itself after an upgrade that added them.

A migration adds the per-day tables empty (computing them needs the event log folded by
Python code that a migration should not import), so without this a desk's dashboards would
read zero until someone thought of ``minidesk insights rebuild``. The minute sweep asks
whether the rollups are empty while tickets exist; if so one worker rebuilds them. Once
filled they are kept current by the listeners and never empty again while tickets exist.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from minidesk import periodic
from minidesk.db import get_db
from minidesk.desk.models import Ticket
from minidesk.insights.rollup import rebuild
from minidesk.insights.rollup_models import KpiDaily

# Several workers' sweeps may queue the job at once, and only one may rebuild: a PostgreSQL
# advisory lock. Those are per database, not per schema, so the key names the schema too: two
# desks in one database (or two test processes) must not take each other's claim for their own.
CLAIM = text(
    "SELECT pg_try_advisory_xact_lock("
    "hashtextextended('minidesk.insights_backfill.' || current_schema(), 0))"
)


def _empty_with_tickets(session: Session) -> bool:
    if session.scalar(select(KpiDaily.day).limit(1)) is not None:
        return False
    return session.scalar(select(Ticket.id).limit(1)) is not None


def is_due(now: dt.datetime) -> bool:
    with get_db().sessions() as session:
        return _empty_with_tickets(session)


def run(now: dt.datetime) -> int:
    """Rebuild if still due and this worker holds the claim; 1 if it rebuilt, else 0."""
    with get_db().transaction() as session:
        # SQLite writers begin IMMEDIATE: a second worker waits here, then finds them filled.
        if session.get_bind().dialect.name == "postgresql" and not session.scalar(CLAIM):
            return 0
        if not _empty_with_tickets(session):
            return 0
        rebuild(session)
    return 1


# Declared in ``minidesk.insights.feature``; the minute sweep asks ``is_due`` and queues it.
BACKFILL = periodic.LongJob("insights_backfill", is_due=is_due, run=run)
