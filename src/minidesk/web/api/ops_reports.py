"""The operational reports of docs/metrics.md beside the KPI report: backlog age, top intents
and coverage, tag completion, repeat contacts, handle time and occupancy. JSON, or CSV with
``format=csv`` or ``Accept: text/csv``; where agents are restricted to their teams, a lead
reads their teams' tickets (and agents) only."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Response
from pydantic import BaseModel

from minidesk.db import utcnow
from minidesk.desk import access
from minidesk.insights import backlog as backlog_report
from minidesk.insights import handle_time as handle_report
from minidesk.insights import occupancy as occupancy_report
from minidesk.insights import repeats, tagging
from minidesk.insights.intent_mix import (
    DEFAULT_TARGET,
    DEFAULT_TOP,
    MAX_TOP,
    intent_mix,
    intents_csv,
)
from minidesk.insights.kpis import Dimension, Period
from minidesk.insights.ops_rows import table_csv
from minidesk.web.api import PREFIX
from minidesk.web.api.reports import CSV, ReaderDep, date_range
from minidesk.web.deps import SessionDep, WorkspaceDep
from minidesk.web.problems import Problem

router = APIRouter(prefix=PREFIX, tags=["reports"])
FromQuery = Annotated[dt.date, Query(alias="from")]
ToQuery = Annotated[dt.date, Query(alias="to")]
FormatQuery = Annotated[Literal["json", "csv"] | None, Query()]
CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {CSV: {"schema": {"type": "string"}}}}
}


class BacklogOut(BaseModel):
    period: dt.date
    key: str | None
    label: str
    open_tickets: int
    under_1d: int
    from_1d_to_3d: int
    from_3d_to_7d: int
    from_7d_to_14d: int
    from_14d_to_30d: int
    over_30d: int
    mean_age_hours: float


class BacklogReportOut(BaseModel):
    at: dt.datetime
    by: Dimension
    items: list[BacklogOut]


class IntentOut(BaseModel):
    intent: str
    tickets: int
    share: float | None
    cumulative_share: float | None


class IntentReportOut(BaseModel):
    since: dt.date
    until: dt.date
    tickets: int
    unclassified: int
    intents: int
    top: int
    top_coverage: float | None
    target: float
    intents_for_target: int | None
    items: list[IntentOut]


class TagCompletionOut(BaseModel):
    period: dt.date
    key: str | None
    label: str
    tickets_solved: int
    tagged: int
    tag_completion: float | None
    fields_complete: int | None
    field_completion: float | None


class TagCompletionReportOut(BaseModel):
    since: dt.date
    until: dt.date
    group_by: Period
    by: Dimension
    items: list[TagCompletionOut]


class RepeatOut(BaseModel):
    period: dt.date
    key: str | None
    label: str
    repeat_base: int
    repeat_contacts: int
    repeat_contact_rate: float | None
    pending: int


class RepeatReportOut(BaseModel):
    since: dt.date
    until: dt.date
    group_by: Period
    by: Dimension
    within_days: int
    items: list[RepeatOut]


class HandleTimeOut(BaseModel):
    key: str | None
    label: str
    handle_seconds: int
    tickets: int
    seconds_per_ticket: float | None
    solved_tickets: int
    seconds_per_solved_ticket: float | None


class HandleTimeReportOut(BaseModel):
    since: dt.date
    until: dt.date
    by: Dimension
    items: list[HandleTimeOut]


class OccupancyOut(BaseModel):
    key: str | None
    label: str
    handle_seconds: int
    available_seconds: int
    occupancy: float | None


class OccupancyReportOut(BaseModel):
    since: dt.date
    until: dt.date
    items: list[OccupancyOut]


def _wants_csv(format: str | None, accept: str) -> bool:
    return format == "csv" or (format is None and CSV in accept)


def _csv(text: str, name: str) -> Response:
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


def backlog_moment(at: dt.datetime | None) -> dt.datetime:
    """``at`` checked: aware (a naive time is ambiguous), and not after now."""
    if at is None:
        return utcnow()
    if at.tzinfo is None:
        raise Problem(422, "at must carry a time zone, e.g. 2026-03-10T12:00:00Z",
                      slug="invalid-moment")  # fmt: skip
    try:
        at = at.astimezone(dt.UTC)
    except OverflowError:  # year 1 at +14:00 is before the first UTC moment there is
        raise Problem(422, "at is out of range", slug="invalid-moment") from None
    if at > utcnow():
        raise Problem(422, "at must not be in the future", slug="invalid-moment")
    return at


@router.get("/reports/backlog", response_model=BacklogReportOut, responses=CSV_RESPONSE)
def backlog_age(
    session: SessionDep,
    user: ReaderDep,
    workspace: WorkspaceDep,
    at: dt.datetime | None = None,
    by: Dimension = Dimension.ALL,
    format: FormatQuery = None,
    accept: Annotated[str, Header()] = "",
) -> Any:
    """The tickets open at ``at`` (default now; with a time zone), per ``by``, counted by age
    bucket: under 1 day, 1-3, 3-7, 7-14, 14-30 and over 30 days (lower bounds included)."""
    moment = backlog_moment(at)
    teams = access.team_reach(session, user, workspace.restrict_agents_to_teams)
    rows = backlog_report.backlog(session, moment, by, teams)
    if _wants_csv(format, accept):
        return _csv(table_csv(backlog_report.METRICS, rows), f"backlog-{by}-{moment.date()}")
    items = [BacklogOut(period=r.period, key=r.key, label=r.label, **r.values) for r in rows]
    return BacklogReportOut(at=moment, by=by, items=items)


@router.get("/reports/intents", response_model=IntentReportOut, responses=CSV_RESPONSE)
def top_intents(
    session: SessionDep,
    user: ReaderDep,
    workspace: WorkspaceDep,
    since: FromQuery,
    until: ToQuery,
    top: Annotated[int, Query(ge=1, le=MAX_TOP)] = DEFAULT_TOP,
    target: Annotated[float, Query(gt=0, le=1)] = DEFAULT_TARGET,
    format: FormatQuery = None,
    accept: Annotated[str, Header()] = "",
) -> Any:
    """The ``top`` intents of the tickets created from ``from`` to ``to``, each with its share
    and the cumulative share, and how many intents cover ``target`` of all tickets."""
    start, end = date_range(since, until)
    teams = access.team_reach(session, user, workspace.restrict_agents_to_teams)
    mix = intent_mix(session, start, end, teams, top, target)
    if _wants_csv(format, accept):
        return _csv(intents_csv(mix["items"]), f"intents-{since}-{until}")
    items = [IntentOut(**vars(i)) for i in mix.pop("items")]
    return IntentReportOut(since=since, until=until, items=items, **mix)


@router.get(
    "/reports/tag-completion", response_model=TagCompletionReportOut, responses=CSV_RESPONSE
)
def tag_completion(
    session: SessionDep,
    user: ReaderDep,
    workspace: WorkspaceDep,
    since: FromQuery,
    until: ToQuery,
    group_by: Period = Period.DAY,
    by: Dimension = Dimension.ALL,
    format: FormatQuery = None,
    accept: Annotated[str, Header()] = "",
) -> Any:
    """Of the tickets first solved in each period: those with a tag, and those whose fields
    required to solve are filled in (``null`` when no field is required)."""
    start, end = date_range(since, until)
    teams = access.team_reach(session, user, workspace.restrict_agents_to_teams)
    rows = tagging.tag_completion(session, start, end, group_by, by, teams)
    if _wants_csv(format, accept):
        name = f"tag-completion-{group_by}-{by}-{since}-{until}"
        return _csv(table_csv(tagging.METRICS, rows), name)
    items = [TagCompletionOut(period=r.period, key=r.key, label=r.label, **r.values)
             for r in rows]  # fmt: skip
    return TagCompletionReportOut(since=since, until=until, group_by=group_by, by=by,
                                  items=items)  # fmt: skip


@router.get("/reports/repeat-contacts", response_model=RepeatReportOut, responses=CSV_RESPONSE)
def repeat_contacts(
    session: SessionDep,
    user: ReaderDep,
    workspace: WorkspaceDep,
    since: FromQuery,
    until: ToQuery,
    group_by: Period = Period.DAY,
    by: Dimension = Dimension.ALL,
    within_days: Annotated[int, Query(ge=1, le=repeats.MAX_WITHIN_DAYS)] = (
        repeats.DEFAULT_WITHIN_DAYS
    ),
    format: FormatQuery = None,
    accept: Annotated[str, Header()] = "",
) -> Any:
    """Of the tickets first solved in each period whose ``within_days`` have passed: those
    whose customer opened another ticket within ``within_days`` after the solve (``pending``:
    solves still inside their window, left out of the rate)."""
    start, end = date_range(since, until)
    teams = access.team_reach(session, user, workspace.restrict_agents_to_teams)
    within = dt.timedelta(days=within_days)
    rows = repeats.repeat_contacts(session, start, end, group_by, by, within, teams)
    if _wants_csv(format, accept):
        name = f"repeat-contacts-{group_by}-{by}-{since}-{until}"
        return _csv(table_csv(repeats.METRICS, rows), name)
    items = [RepeatOut(period=r.period, key=r.key, label=r.label, **r.values)
             for r in rows]  # fmt: skip
    return RepeatReportOut(since=since, until=until, group_by=group_by, by=by,
                           within_days=within_days, items=items)  # fmt: skip


@router.get("/reports/handle-time", response_model=HandleTimeReportOut, responses=CSV_RESPONSE)
def handle_time(
    session: SessionDep,
    user: ReaderDep,
    workspace: WorkspaceDep,
    since: FromQuery,
    until: ToQuery,
    by: Dimension = Dimension.ALL,
    format: FormatQuery = None,
    accept: Annotated[str, Header()] = "",
) -> Any:
    """Agents' active seconds on tickets from ``from`` to ``to`` (UTC days) per ``by`` (agent:
    who worked), the tickets worked and the mean per ticket, and the mean per ticket first
    solved in the range."""
    date_range(since, until)  # the same limits as every report
    teams = access.team_reach(session, user, workspace.restrict_agents_to_teams)
    rows = handle_report.handle_time(session, since, until, by, teams)
    if _wants_csv(format, accept):
        return _csv(table_csv(handle_report.METRICS, rows), f"handle-time-{by}-{since}-{until}")
    items = [HandleTimeOut(key=r.key, label=r.label, **r.values) for r in rows]
    return HandleTimeReportOut(since=since, until=until, by=by, items=items)


@router.get("/reports/occupancy", response_model=OccupancyReportOut, responses=CSV_RESPONSE)
def occupancy(
    session: SessionDep,
    user: ReaderDep,
    workspace: WorkspaceDep,
    since: FromQuery,
    until: ToQuery,
    format: FormatQuery = None,
    accept: Annotated[str, Header()] = "",
) -> Any:
    """Per agent, from ``from`` to ``to`` (UTC days): handle time ÷ the time their routing
    presence was online (``null`` with no online time)."""
    date_range(since, until)
    teams = access.team_reach(session, user, workspace.restrict_agents_to_teams)
    rows = occupancy_report.occupancy(session, since, until, teams)
    if _wants_csv(format, accept):
        return _csv(table_csv(occupancy_report.METRICS, rows), f"occupancy-{since}-{until}")
    items = [OccupancyOut(key=r.key, label=r.label, **r.values) for r in rows]
    return OccupancyReportOut(since=since, until=until, items=items)
