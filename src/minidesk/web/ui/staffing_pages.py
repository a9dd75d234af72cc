"""The staffing page (leads and up): next week's forecast and agents needed per interval, as a
chart drawn here (SVG, no script), with the forecast's accuracy and what-ifs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select, true

from minidesk.db import get_db
from minidesk.desk import access
from minidesk.desk.access import Permission
from minidesk.desk.models import Team
from minidesk.desk.workspace import get_workspace
from minidesk.settings import get_settings
from minidesk.web.ui.render import page
from minidesk.web.ui.signed_in import BrowserDep, forbidden, permitted
from minidesk.wfm.erlang import ErlangError
from minidesk.wfm.history import Scope
from minidesk.wfm.inputs import Assumptions, read_inputs
from minidesk.wfm.plan import build_plan

router = APIRouter(include_in_schema=False)
CHART_HEIGHT = 160
BAR_WIDTH = 3


@dataclass(frozen=True)
class Bar:
    x: int
    y: int
    height: int
    label: str


@router.get("/staffing", response_class=HTMLResponse)
def staffing(
    request: Request,
    browser: BrowserDep,
    team: int | None = None,
    volume_percent: int = 0,
    aht_percent: int = 0,
) -> Response:
    """``volume_percent`` and ``aht_percent`` are what-ifs: +20 is a fifth more contacts."""
    with get_db().sessions() as session:
        user = permitted(session, request, browser, Permission.SEE_STAFFING)
        if isinstance(user, Response):
            return user
        reach = access.team_reach(
            session, user, get_workspace(session).restrict_agents_to_teams
        )
        teams = session.scalars(
            select(Team).where(Team.id.in_(reach) if reach is not None else true())
            .order_by(Team.name)
        ).all()
        if reach is not None and team not in reach:
            # A restricted lead plans their own teams: the first of them unless one is chosen.
            team = teams[0].id if teams else None
        if reach is not None and team is None:
            why = "The workspace restricts you to your teams' work, and you are in none."
            return forbidden(request, browser, why)
        context: dict[str, Any] = {
            "browser": browser,
            "teams": teams,
            "team": team,
            "all_teams": reach is None,
            "volume_percent": volume_percent,
            "aht_percent": aht_percent,
            "active": "staffing",
        }
        assumptions = Assumptions(
            volume_factor=max(0.0, 1 + volume_percent / 100),
            aht_factor=max(0.05, 1 + aht_percent / 100),
        )
        try:
            assumptions.check()
            inputs = read_inputs(
                session, Scope(None, team), assumptions, get_settings().staffing_aht_seconds, None
            )
            plan = build_plan(inputs, assumptions).to_json()
        except ErlangError as exc:
            context["error"] = str(exc)
            return page(request, "staffing.html", context, 422)
    context.update(plan=plan, bars=_bars(plan), days=_days(plan))
    return page(request, "staffing.html", context)


def _bars(plan: dict[str, Any]) -> list[Bar]:
    agents: list[int] = plan["series"]["agents"]
    peak = max(agents, default=0) or 1
    bars = []
    for n, (start, count) in enumerate(zip(plan["intervals"], agents, strict=True)):
        height = round(CHART_HEIGHT * count / peak)
        bars.append(Bar(n * BAR_WIDTH, CHART_HEIGHT - height, height, f"{start}: {count}"))
    return bars


def _days(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """Per day: contacts forecast and the peak of agents needed (the table under the chart)."""
    per_day = 86_400 // plan["interval_seconds"]
    series = plan["series"]
    days = []
    for start in range(0, len(plan["intervals"]), per_day):
        volume = series["volume"][start : start + per_day]
        agents = series["agents"][start : start + per_day]
        days.append(
            {
                "day": plan["intervals"][start][:10],
                "volume": round(sum(volume), 1),
                "peak_agents": max(agents, default=0),
            }
        )
    return days
