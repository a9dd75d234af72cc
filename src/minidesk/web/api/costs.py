"""The workspace's costs (admins set them, leads read them) and the cost per contact report
(docs/metrics.md): JSON, or CSV with ``format=csv`` or ``Accept: text/csv``; where agents are
restricted to their teams, a lead reads their teams' tickets only."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Response
from pydantic import BaseModel

from minidesk.db import commit
from minidesk.desk import access
from minidesk.desk.access import Permission
from minidesk.desk.models import User
from minidesk.desk.users import actor_of
from minidesk.insights import costs as cost_report
from minidesk.insights.cost_settings import (
    CostsIn,
    CurrencyMismatch,
    Money,
    as_dict,
    do_set_costs,
    get_costs,
)
from minidesk.insights.kpis import Dimension
from minidesk.insights.ops_rows import table_csv
from minidesk.web.api import PREFIX
from minidesk.web.api.ops_reports import CSV_RESPONSE, FormatQuery, FromQuery, ToQuery
from minidesk.web.api.reports import CSV, ReaderDep, date_range
from minidesk.web.deps import SessionDep, WorkspaceDep, WriteSessionDep, requires
from minidesk.web.problems import Problem

router = APIRouter(prefix=PREFIX, tags=["reports"])
AdminDep = Annotated[User, requires(Permission.MANAGE_COSTS)]
CostDimension = Literal["all", "channel", "team", "intent"]


class CostsOut(BaseModel):
    agent_hour: Money
    tooling_month: Money
    sms_message: Money
    whatsapp_message: Money


class CostOut(BaseModel):
    key: str | None
    label: str
    contacts: int
    handle_seconds: int
    handle_cost: int
    tooling_cost: int
    sms_messages: int
    whatsapp_messages: int
    messaging_cost: int
    total_cost: int
    cost_per_contact: float | None


class CostReportOut(BaseModel):
    since: dt.date
    until: dt.date
    by: CostDimension
    currency: str
    items: list[CostOut]


@router.get("/insights/costs", response_model=CostsOut)
def read_costs(session: SessionDep, user: ReaderDep) -> dict[str, Any]:
    """What an agent's hour costs, tooling per month, and each outbound SMS and WhatsApp
    message: integer minor units, one currency (every amount 0 until an admin sets them)."""
    return as_dict(get_costs(session))


@router.put("/insights/costs", response_model=CostsOut)
def set_costs(session: WriteSessionDep, user: AdminDep, body: CostsIn) -> dict[str, Any]:
    """Replace every amount; all must name the same currency."""
    try:
        row = do_set_costs(session, body, actor_of(user))
    except CurrencyMismatch as error:
        raise Problem(422, str(error), slug="currency-mismatch") from None
    result = as_dict(row)
    commit(session)
    return result


@router.get("/reports/cost-per-contact", response_model=CostReportOut, responses=CSV_RESPONSE)
def cost_per_contact(
    session: SessionDep,
    user: ReaderDep,
    workspace: WorkspaceDep,
    since: FromQuery,
    until: ToQuery,
    by: CostDimension = "all",
    format: FormatQuery = None,
    accept: Annotated[str, Header()] = "",
) -> Any:
    """From ``from`` to ``to`` (UTC days) per ``by``: handle, tooling and messaging costs, the
    tickets customers wrote to (contacts) and the total per contact, in minor units."""
    date_range(since, until)
    teams = access.team_reach(session, user, workspace.restrict_agents_to_teams)
    costs = get_costs(session)
    rows = cost_report.cost_per_contact(session, since, until, Dimension(by), costs, teams)
    if format == "csv" or (format is None and CSV in accept):
        name = f"cost-per-contact-{by}-{since}-{until}.csv"
        disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
        text = table_csv(cost_report.METRICS, rows)
        return Response(text, media_type=f"{CSV}; charset=utf-8", headers=disposition)
    items = [CostOut(key=r.key, label=r.label, **r.values) for r in rows]
    return CostReportOut(since=since, until=until, by=by, currency=costs.currency, items=items)
