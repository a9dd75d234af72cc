"""The insights dashboard (leads and up): the KPI report of docs/metrics.md as a chart drawn
here (SVG, no script) and a table whose every number links to the tickets behind it, with CSV
downloads of the table and of those tickets."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from minidesk.db import get_db, utcnow
from minidesk.desk import access
from minidesk.desk.access import Permission
from minidesk.desk.models import User
from minidesk.desk.workspace import get_workspace
from minidesk.insights.cells import METRICS, Dimension, KpiRow, Period
from minidesk.insights.kpis import kpis
from minidesk.insights.report import fast_kpis
from minidesk.web.ui import tickets_behind as drill
from minidesk.web.ui.render import page
from minidesk.web.ui.signed_in import BrowserDep, permitted

router = APIRouter(include_in_schema=False)
CHART_HEIGHT = 160
BAR_WIDTH, BAR_GAP = 24, 6
DEFAULT_DAYS = 28
MAX_DAYS = 366
# The metrics a person reads as a share: shown as percentages.
SHARES = frozenset(
    {
        "first_contact_resolution",
        "reopen_rate",
        "containment_rate",
        "resolved_within_3_turns",
        "escalation_rate",
        "chat_abandonment_rate",
        "csat",
    }
)
LABELS = {
    "tickets_created": "Created",
    "first_response_seconds": "First response (s)",
    "tickets_solved": "Solved",
    "resolution_seconds": "Resolution (s)",
    "first_contact_resolution": "FCR",
    "reopen_rate": "Reopened",
    "containment_rate": "Contained",
    "resolved_within_3_turns": "≤ 3 turns",
    "escalation_rate": "Escalated",
    "chats_started": "Chats",
    "chat_abandonment_rate": "Chats abandoned",
    "csat": "CSAT",
    "csat_average": "CSAT avg",
    "nps": "NPS",
    "ces_average": "CES avg",
    "survey_answers": "Answers",
}


@dataclass(frozen=True)
class Bar:
    x: int
    y: int
    height: int
    label: str


@dataclass(frozen=True)
class Question:
    """What the dashboard was asked, checked; ``error`` says what was wrong instead."""

    since: dt.date
    until: dt.date
    group_by: Period
    by: Dimension
    metric: str
    error: str = ""

    def query(self, **more: str) -> str:
        base = {"from": self.since.isoformat(), "to": self.until.isoformat(),
                "group_by": self.group_by.value, "by": self.by.value}  # fmt: skip
        return urlencode({**base, **more})


def _question(request: Request) -> Question:
    params = request.query_params
    today = utcnow().date()
    since, until = today - dt.timedelta(days=DEFAULT_DAYS - 1), today
    errors = []
    try:
        since = dt.date.fromisoformat(params.get("from") or since.isoformat())
        until = dt.date.fromisoformat(params.get("to") or until.isoformat())
    except ValueError:
        errors.append("from and to must be dates (YYYY-MM-DD)")
    group_by, by, metric = params.get("group_by", "week"), params.get("by", "all"), params.get(
        "metric", "tickets_created")  # fmt: skip
    if group_by not in Period.__members__.values():
        errors.append(f"group by must be one of {', '.join(Period)}")
        group_by = Period.WEEK
    if by not in Dimension.__members__.values():
        errors.append(f"by must be one of {', '.join(Dimension)}")
        by = Dimension.ALL
    if metric not in METRICS:
        errors.append(f"unknown metric {metric[:40]!r}")
        metric = "tickets_created"
    if until < since:
        errors.append("to must not be before from")
    elif (until - since).days >= MAX_DAYS or until >= dt.date.max:
        errors.append(f"at most {MAX_DAYS} days at once")
    return Question(since, until, Period(group_by), Dimension(by), metric, "; ".join(errors))


def _rows(session: Session, user: User, asked: Question) -> list[KpiRow]:
    teams = access.team_reach(session, user, get_workspace(session).restrict_agents_to_teams)
    start = dt.datetime.combine(asked.since, dt.time(), dt.UTC)
    end = dt.datetime.combine(asked.until + dt.timedelta(days=1), dt.time(), dt.UTC)
    return fast_kpis(session, start, end, asked.group_by, asked.by, teams)


def shown(metric: str, value: float | int | None) -> str:
    if value is None:
        return "—"
    if metric in SHARES:
        return f"{value * 100:.1f}%"
    return f"{value:g}"


def _bars(rows: list[KpiRow], metric: str) -> list[Bar]:
    values = [float(row.values[metric] or 0) for row in rows]
    top = max((abs(v) for v in values), default=0) or 1
    bars = []
    for n, (row, value) in enumerate(zip(rows, values, strict=True)):
        height = round(CHART_HEIGHT * abs(value) / top)
        label = f"{row.period} {row.label}: {shown(metric, row.values[metric])}"
        bars.append(Bar(n * (BAR_WIDTH + BAR_GAP), CHART_HEIGHT - height, height, label))
    return bars


@router.get("/insights", response_class=HTMLResponse)
def insights(request: Request, browser: BrowserDep) -> Response:
    asked = _question(request)
    with get_db().sessions() as session:
        user = permitted(session, request, browser, Permission.SEE_INSIGHTS)
        if isinstance(user, Response):
            return user
        context: dict[str, Any] = {
            "browser": browser, "asked": asked, "metrics": METRICS, "labels": LABELS,
            "periods": list(Period), "dimensions": list(Dimension), "active": "insights",
            "shown": shown,
        }  # fmt: skip
        if asked.error:
            return page(request, "insights.html", {**context, "rows": [], "bars": []}, 422)
        rows = _rows(session, user, asked)
    context.update(rows=rows, bars=_bars(rows, asked.metric))
    return page(request, "insights.html", context)


def _behind(session: Session, user: User, request: Request, asked: Question) -> list[int]:
    """The tickets of one cell, by the full recomputation (``kpis.kpis``) over that cell's
    period alone: the only way to name them, and cheap for one period."""
    params = request.query_params
    key = params.get("key") or None
    try:
        period = dt.date.fromisoformat(params.get("period", ""))
    except ValueError:
        return []
    start = max(dt.datetime.combine(period, dt.time(), dt.UTC),
                dt.datetime.combine(asked.since, dt.time(), dt.UTC))  # fmt: skip
    end = dt.datetime.combine(asked.until + dt.timedelta(days=1), dt.time(), dt.UTC)
    teams = access.team_reach(session, user, get_workspace(session).restrict_agents_to_teams)
    ids: list[int] = []
    for row in kpis(session, start, end, asked.group_by, asked.by, teams):
        if row.period == period and row.key == key:
            ids = row.tickets.get(asked.metric, [])
    return ids


@router.get("/insights/tickets", response_class=HTMLResponse)
def tickets_behind(request: Request, browser: BrowserDep) -> Response:
    """The tickets behind one number of the dashboard (a cell: period, key and metric)."""
    asked = _question(request)
    back = (f"/insights?{asked.query(metric=asked.metric)}", "Back to insights")
    title = f"Tickets behind {LABELS[asked.metric]}"
    return drill.tickets_page(request, browser, asked.error,
                              lambda session, user: _behind(session, user, request, asked),
                              title=title, back=back)  # fmt: skip


@router.get("/insights/tickets.csv")
def tickets_behind_csv(request: Request, browser: BrowserDep) -> Response:
    """The same tickets as a CSV of conversations (one line per ticket)."""
    asked = _question(request)
    return drill.tickets_csv(request, browser, asked.error,
                             lambda session, user: _behind(session, user, request, asked),
                             f"tickets-{asked.metric}.csv")  # fmt: skip
