"""The root-cause dashboard (docs/metrics.md: root causes, experiments, remediation pilots):
what drives contacts and what they cost, a template's A/B variants, and the fixes tried with
their payback. Leads read it (their teams' tickets where agents are restricted); managers add
and delete pilots through the same checks as ``/api/v1/reports/pilots``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from minidesk.db import commit, get_db, utcnow
from minidesk.desk import access
from minidesk.desk.access import Permission
from minidesk.desk.users import actor_of
from minidesk.desk.workspace import get_workspace
from minidesk.insights import pilots
from minidesk.insights.cost_settings import get_costs
from minidesk.insights.experiments import experiment
from minidesk.insights.money import as_major, from_major
from minidesk.insights.pilot_models import RemediationPilot
from minidesk.insights.rootcause import root_causes
from minidesk.web.api.pilots import PilotIn
from minidesk.web.ui.render import page, redirect
from minidesk.web.ui.signed_in import BrowserDep, permitted

router = APIRouter(include_in_schema=False)
PAGE = "/insights/root-causes"
DEFAULT_DAYS = 30
Text = Annotated[str, Form(max_length=2000)]


def _range(request: Request) -> tuple[dt.date, dt.date, str | None]:
    """The asked days (default: the last 30 whole days) and what was wrong with them."""
    until = utcnow().date() - dt.timedelta(days=1)
    since = until - dt.timedelta(days=DEFAULT_DAYS - 1)
    try:
        since = dt.date.fromisoformat(request.query_params.get("from") or since.isoformat())
        until = dt.date.fromisoformat(request.query_params.get("to") or until.isoformat())
    except ValueError:
        return since, until, "from and to must be dates (YYYY-MM-DD)"
    if until < since or (until - since).days >= 366:
        return since, until, "to must be on or after from, and at most 366 days later"
    return since, until, None


@router.get(PAGE, response_class=HTMLResponse)
def root_cause_page(request: Request, browser: BrowserDep) -> Response:
    since, until, error = _range(request)
    template = (request.query_params.get("template") or "").strip()[:64]
    with get_db().sessions() as session:
        user = permitted(session, request, browser, Permission.SEE_INSIGHTS)
        if isinstance(user, Response):
            return user
        teams = access.team_reach(session, user, get_workspace(session).restrict_agents_to_teams)
        start = dt.datetime.combine(since, dt.time(), dt.UTC)
        end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), dt.UTC)
        causes = None if error else root_causes(session, start, end, teams)
        tested = None
        if template and not error:
            tested = experiment(session, template, start, end, teams)
        costs, today = get_costs(session), utcnow().date()
        tried = [{**pilots.as_dict(p), **pilots.payback(session, p, costs, teams, today)}
                 for p in pilots.list_pilots(session)]  # fmt: skip
        context = {"browser": browser, "active": "insights", "since": since, "until": until,
                   "error": error, "causes": causes, "template": template, "tested": tested,
                   "pilots": tried, "currency": costs.currency,
                   "major": lambda minor: as_major(minor, costs.currency),
                   "editable": access.has(user, Permission.MANAGE_PILOTS)}  # fmt: skip
        return page(request, "insights_root_causes.html", context)


@router.post("/insights/pilots")
def add_pilot(
    request: Request,
    browser: BrowserDep,
    name: Annotated[str, Form(max_length=120)],
    intent: Annotated[str, Form(max_length=64)],
    started_on: Annotated[str, Form(max_length=10)],
    investment: Annotated[str, Form(max_length=30)],
    ended_on: Annotated[str, Form(max_length=10)] = "",
    baseline_days: Annotated[str, Form(max_length=4)] = "28",
    running_month: Annotated[str, Form(max_length=30)] = "0",
    notes: Text = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    browser.check(csrf)
    with get_db().write_sessions() as session:
        user = permitted(session, request, browser, Permission.MANAGE_PILOTS)
        if isinstance(user, Response):
            return user
        currency = get_costs(session).currency
        try:
            body = PilotIn.model_validate({
                "name": name.strip(), "intent": intent.strip(), "started_on": started_on,
                "ended_on": ended_on or None, "baseline_days": baseline_days,
                "investment": {"amount": from_major(investment, currency), "currency": currency},
                "running_month": {"amount": from_major(running_month or "0", currency),
                                  "currency": currency},
                "notes": notes,
            })  # fmt: skip
            values = {**body.model_dump(exclude={"investment", "running_month"}),
                      "investment": body.investment.amount,
                      "running_month": body.running_month.amount if body.running_month else 0,
                      "currency": currency}  # fmt: skip
            pilots.do_create_pilot(session, values, currency, actor_of(user), user.id)
        except ValueError as exc:  # ValidationError and PilotError are ones
            return redirect(PAGE, f"Pilot not saved: {_said(exc)}")
        commit(session)
    return redirect(PAGE, f"Pilot {name.strip()!r} saved.")


@router.post("/insights/pilots/{pilot_id}/delete")
def delete_pilot(
    request: Request,
    browser: BrowserDep,
    pilot_id: int,
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    browser.check(csrf)
    with get_db().write_sessions() as session:
        user = permitted(session, request, browser, Permission.MANAGE_PILOTS)
        if isinstance(user, Response):
            return user
        pilot = session.get(RemediationPilot, pilot_id)
        if pilot is None:
            return redirect(PAGE, f"No pilot {pilot_id}.")
        pilots.do_delete_pilot(session, pilot, actor_of(user))
        commit(session)
    return redirect(PAGE, "Pilot deleted.")


def _said(exc: ValueError) -> str:
    if not isinstance(exc, ValidationError):
        return str(exc)
    return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
