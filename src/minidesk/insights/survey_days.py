"""``kpi_survey_days``: each survey's answers folded per UTC day (the last answer of the day,
and the next day it was answered again), recomputed from a ticket's ``survey.answered`` events.

The KPI report counts each survey's last answer in the range (docs/metrics.md). A survey's day
row is that answer exactly when the day is in the range and the survey was not answered again
later in the range: ``next_day`` is NULL or after the range's last day. So the report reads
one row per answered survey, however often its customers changed their minds."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import and_, delete, select
from sqlalchemy.orm import Session

from minidesk.event_kinds import EventKind
from minidesk.events import Event, of_kind_on_tickets
from minidesk.insights.cells import Period, period_of_day
from minidesk.insights.rollup_models import KpiSurveyDay, bulk_insert

CHUNK = 500  # ids per IN list: well under every driver's parameter limit


def _rows(answers: Iterator[tuple[int, dt.datetime, dict[str, Any]]]) -> list[dict[str, Any]]:
    """Day rows from (ticket, answered at, payload) in event order."""
    by_survey: dict[int, dict[dt.date, dict[str, Any]]] = defaultdict(dict)
    for ticket_id, answered_at, data in answers:
        day = answered_at.astimezone(dt.UTC).date()
        by_survey[data["survey_id"]][day] = {
            "survey_id": data["survey_id"], "day": day, "ticket_id": ticket_id,
            "week": period_of_day(day, Period.WEEK), "month": period_of_day(day, Period.MONTH),
            "kind": data["survey_kind"], "score": data["score"], "next_day": None,
        }  # fmt: skip
    rows = []
    for days in by_survey.values():
        ordered = sorted(days)
        for day, following in zip(ordered, [*ordered[1:], None], strict=True):
            rows.append({**days[day], "next_day": following})
    return rows


def _answers(session: Session, where: Any) -> Iterator[tuple[int, dt.datetime, dict[str, Any]]]:
    query = select(Event.ticket_id, Event.created_at, Event.data).where(where).order_by(Event.id)
    for row in session.execute(query):
        yield row.ticket_id, row.created_at, row.data


Rows = dict[int, list[dict[str, Any]]]


def _by_ticket(rows: list[dict[str, Any]]) -> Rows:
    found: Rows = defaultdict(list)
    for row in sorted(rows, key=lambda r: (r["survey_id"], r["day"])):
        found[row["ticket_id"]].append(row)
    return found


def stored_rows(session: Session, ticket_ids: Sequence[int]) -> Rows:
    """The day rows kept for the surveys on ``ticket_ids`` (at most ``CHUNK`` tickets)."""
    query = select(KpiSurveyDay.__table__).where(KpiSurveyDay.ticket_id.in_(ticket_ids))
    return _by_ticket([dict(row) for row in session.execute(query).mappings()])


def fresh_rows(session: Session, ticket_ids: Sequence[int]) -> Rows:
    """The day rows of the surveys on ``ticket_ids`` (at most ``CHUNK``) from their events."""
    return _by_ticket(
        _rows(_answers(session, of_kind_on_tickets(EventKind.SURVEY_ANSWERED, ticket_ids)))
    )


def replace_rows(session: Session, ticket_ids: Sequence[int], rows: Rows) -> None:
    """Store ``rows`` as the day rows of ``ticket_ids``' surveys (at most ``CHUNK`` tickets)."""
    session.execute(delete(KpiSurveyDay).where(KpiSurveyDay.ticket_id.in_(ticket_ids)))
    written = [row for ticket_id in ticket_ids for row in rows.get(ticket_id, [])]
    if written:
        session.execute(bulk_insert(KpiSurveyDay), written)


def rebuild_surveys(session: Session) -> int:
    """Every survey's day rows from the whole event log; returns the rows written."""
    session.execute(delete(KpiSurveyDay))
    rows = _rows(
        _answers(
            session, and_(Event.kind == EventKind.SURVEY_ANSWERED, Event.ticket_id.is_not(None))
        )
    )
    for start in range(0, len(rows), 5_000):
        session.execute(bulk_insert(KpiSurveyDay), rows[start : start + 5_000])
    return len(rows)
