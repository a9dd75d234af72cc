"""The operational reports of docs/metrics.md beside the KPI report: backlog age, top intents
and coverage, tag completion, repeat contacts, handle time and occupancy. JSON, or CSV with
``format=csv`` or ``Accept: text/csv``; where agents are restricted to their teams, a lead
reads their teams' tickets (and agents) only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Header, Query, Response
from pydantic import BaseModel

from minidesk.db import utcnow
from minidesk.desk import access
from minidesk.insights import backlog as backlog_report
from minidesk.insights import handle_time as handle_report
from minidesk.insights import occupancy as occupancy_report
from minidesk.insights import repeats, tagging
from minidesk.insights.backlog_counts import backlog_counts
from minidesk.insights.intent_mix import (
    DEFAULT_TARGET,
    DEFAULT_TOP,
    MAX_TOP,
    intent_mix,
    intents_csv,
)
from minidesk.insights.kpis import Dimension, KpiRow, Period
from minidesk.insights.ops_rows import table_csv
from minidesk.web.api import PREFIX
from minidesk.web.api.ops_report_models import (
    BacklogOut,
    BacklogReportOut,
    HandleTimeOut,
    HandleTimeReportOut,
    IntentOut,
    IntentReportOut,
    OccupancyOut,
    OccupancyReportOut,
    RepeatOut,
    RepeatReportOut,
    TagCompletionOut,
    TagCompletionReportOut,
)
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
ItemT = TypeVar("ItemT", bound=BaseModel)


def _wants_csv(format: str | None, accept: str) -> bool:
    return format == "csv" or (format is None and CSV in accept)


def _csv(text: str, name: str) -> Response:
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


def _table(
    rows: list[KpiRow], metrics: Sequence[str], item: type[ItemT], name: str,
    format: str | None, accept: str,
) -> Response | list[ItemT]:  # fmt: skip
    """A report's rows as CSV (``format=csv`` or ``Accept: text/csv``), or as its JSON items;
    an item with a ``period`` field gets the row's period."""
    if _wants_csv(format, accept):
        return _csv(table_csv(metrics, rows), name)
    period = "period" in item.model_fields
    return [item(**({"period": r.period} if period else {}), key=r.key, label=r.label,
                 **r.values) for r in rows]  # fmt: skip


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
    rows = backlog_counts(session, moment, by, teams)
    name = f"backlog-{by}-{moment.date()}"
    items = _table(rows, backlog_report.METRICS, BacklogOut, name, format, accept)
    if isinstance(items, Response):
        return items
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
    rows = tagging.fast_tag_completion(session, start, end, group_by, by, teams)
    name = f"tag-completion-{group_by}-{by}-{since}-{until}"
    items = _table(rows, tagging.METRICS, TagCompletionOut, name, format, accept)
    if isinstance(items, Response):
        return items
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
    rows = repeats.fast_repeat_contacts(session, start, end, group_by, by, within, teams)
    name = f"repeat-contacts-{group_by}-{by}-{since}-{until}"
    items = _table(rows, repeats.METRICS, RepeatOut, name, format, accept)
    if isinstance(items, Response):
        return items
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
    rows = handle_report.fast_handle_time(session, since, until, by, teams)
    name = f"handle-time-{by}-{since}-{until}"
    items = _table(rows, handle_report.METRICS, HandleTimeOut, name, format, accept)
    if isinstance(items, Response):
        return items
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
    name = f"occupancy-{since}-{until}"
    items = _table(rows, occupancy_report.METRICS, OccupancyOut, name, format, accept)
    if isinstance(items, Response):
        return items
    return OccupancyReportOut(since=since, until=until, items=items)
