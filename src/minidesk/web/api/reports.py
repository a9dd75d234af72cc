"""The KPI report (docs/metrics.md): JSON, or CSV with ``format=csv`` or ``Accept: text/csv``.
Where agents are restricted to their teams, a lead reads their teams' tickets only."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Response
from pydantic import BaseModel
from pydantic_core import to_json

from minidesk.desk import access
from minidesk.desk.access import Permission
from minidesk.desk.models import User
from minidesk.insights.cells import Dimension, KpiRow, Period
from minidesk.insights.experiments import experiment
from minidesk.insights.export import as_csv
from minidesk.insights.report import fast_kpis
from minidesk.insights.rootcause import root_causes
from minidesk.web.api import PREFIX
from minidesk.web.deps import SessionDep, WorkspaceDep, requires
from minidesk.web.problems import Problem

router = APIRouter(prefix=PREFIX, tags=["reports"])

ReaderDep = Annotated[User, requires(Permission.SEE_INSIGHTS)]
# A longer range is a data export, not a question a lead asks of the desk.
MAX_REPORT_DAYS = 366
CSV = "text/csv"


class KpiOut(BaseModel):
    period: dt.date
    key: str | None
    label: str
    tickets_created: int
    first_response_seconds: float | None
    tickets_solved: int
    resolution_seconds: float | None
    first_contact_resolution: float | None
    reopen_rate: float | None
    containment_rate: float | None
    resolved_within_3_turns: float | None
    escalation_rate: float | None
    chats_started: int
    chat_abandonment_rate: float | None
    csat: float | None
    csat_average: float | None
    nps: float | None
    ces_average: float | None
    survey_answers: int


class KpiReportOut(BaseModel):
    since: dt.date
    until: dt.date
    group_by: Period
    by: Dimension
    items: list[KpiOut]


def date_range(since: dt.date, until: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Both dates included, UTC; a precise problem for a range the report will not run."""
    if until < since:
        raise Problem(422, "to must not be before from", slug="invalid-range")
    if (until - since).days >= MAX_REPORT_DAYS:
        raise Problem(422, f"at most {MAX_REPORT_DAYS} days at once", slug="invalid-range")
    if until >= dt.date.max:
        raise Problem(422, "to must be before 9999-12-31", slug="invalid-range")
    start = dt.datetime.combine(since, dt.time(), dt.UTC)
    return start, dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), dt.UTC)


@router.get(
    "/reports/kpis",
    response_model=KpiReportOut,
    responses={200: {"content": {CSV: {"schema": {"type": "string"}}}}},
)
def kpi_report(
    session: SessionDep,
    user: ReaderDep,
    workspace: WorkspaceDep,
    since: Annotated[dt.date, Query(alias="from")],
    until: Annotated[dt.date, Query(alias="to")],
    group_by: Period = Period.DAY,
    by: Dimension = Dimension.ALL,
    format: Annotated[Literal["json", "csv"] | None, Query()] = None,
    accept: Annotated[str, Header()] = "",
) -> Any:
    """Every metric of docs/metrics.md for ``from`` to ``to`` (dates, UTC, both included),
    per ``group_by`` period and ``by`` agent, team, channel or intent (``all``: one line per
    period). ``format=csv`` (or ``Accept: text/csv``) downloads it."""
    start, end = date_range(since, until)
    teams = access.team_reach(session, user, workspace.restrict_agents_to_teams)
    rows = fast_kpis(session, start, end, group_by, by, teams)
    if format == "csv" or (format is None and CSV in accept):
        name = f"kpis-{group_by}-{by}-{since}-{until}.csv"
        return Response(
            as_csv(rows),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    return _kpi_json(since, until, group_by, by, rows)


def _kpi_json(
    since: dt.date, until: dt.date, group_by: Period, by: Dimension, rows: list[KpiRow]
) -> Response:
    """``KpiReportOut``'s JSON, encoded once from plain dicts (a row's values are in
    ``METRICS`` order, its fields'): a model validated per row took longer than reading the
    report, and a year per day by intent is 4,380 rows."""
    items = [{"period": r.period, "key": r.key, "label": r.label, **r.values} for r in rows]
    body = {"since": since, "until": until, "group_by": group_by, "by": by, "items": items}
    return Response(to_json(body), media_type="application/json")


@router.get("/reports/root-causes")
def root_cause_report(
    session: SessionDep,
    user: ReaderDep,
    workspace: WorkspaceDep,
    since: Annotated[dt.date, Query(alias="from")],
    until: Annotated[dt.date, Query(alias="to")],
) -> dict[str, Any]:
    """Per intent: share of the tickets created, agents' replies (effort) and its share,
    reopens, escalations and the trend against the range before; then the ten contacts that
    took the most replies, and why (docs/metrics.md, root causes)."""
    start, end = date_range(since, until)
    teams = access.team_reach(session, user, workspace.restrict_agents_to_teams)
    return {"from": since, "to": until, **root_causes(session, start, end, teams)}


@router.get("/reports/experiments")
def experiment_report(
    session: SessionDep,
    user: ReaderDep,
    workspace: WorkspaceDep,
    template: Annotated[str, Query(min_length=1, max_length=64)],
    since: Annotated[dt.date, Query(alias="from")],
    until: Annotated[dt.date, Query(alias="to")],
) -> dict[str, Any]:
    """A template's A/B variants: tickets, FCR and CSAT per variant, and the p-values of each
    against the first variant (two-proportion z-test for FCR, Mann-Whitney U for CSAT)."""
    start, end = date_range(since, until)
    teams = access.team_reach(session, user, workspace.restrict_agents_to_teams)
    return {"from": since, "to": until, **experiment(session, template, start, end, teams)}
