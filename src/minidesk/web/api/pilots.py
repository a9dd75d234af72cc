"""Remediation pilots (docs/metrics.md): managers record a fix aimed at one intent, its
one-off and running cost; everyone who reads reports sees each pilot's contacts avoided,
savings per month and payback period (a lead restricted to teams: over their teams' tickets).
Amounts are integer minor units in the workspace's cost currency (``/insights/costs``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from minidesk.db import commit, utcnow
from minidesk.desk import access
from minidesk.desk.access import Permission
from minidesk.desk.models import User
from minidesk.desk.users import actor_of
from minidesk.insights import pilots
from minidesk.insights.cost_settings import Money, get_costs
from minidesk.insights.pilot_models import RemediationPilot
from minidesk.web.api import PREFIX
from minidesk.web.api.reports import ReaderDep
from minidesk.web.deps import SessionDep, WorkspaceDep, WriteSessionDep, requires
from minidesk.web.problems import Problem

router = APIRouter(prefix=PREFIX, tags=["reports"])
ManagerDep = Annotated[User, requires(Permission.MANAGE_PILOTS)]
Name = Annotated[str, Field(min_length=1, max_length=120)]
Intent = Annotated[str, Field(min_length=1, max_length=64)]
BaselineDays = Annotated[int, Field(ge=7, le=365)]
Notes = Annotated[str, Field(max_length=2000)]


class PilotIn(BaseModel):
    """A new pilot; an unknown field is a 422."""

    model_config = ConfigDict(extra="forbid")
    name: Name
    intent: Intent
    started_on: dt.date
    ended_on: dt.date | None = None
    baseline_days: BaselineDays = 28
    investment: Money
    running_month: Money | None = None
    notes: Notes = ""


class PilotPatch(BaseModel):
    """The fields to change; the rest stay."""

    model_config = ConfigDict(extra="forbid")
    name: Name | None = None
    intent: Intent | None = None
    started_on: dt.date | None = None
    ended_on: dt.date | None = None
    baseline_days: BaselineDays | None = None
    investment: Money | None = None
    running_month: Money | None = None
    notes: Notes | None = None


def _values(body: BaseModel, default_currency: str) -> dict[str, Any]:
    """The body as the table's columns: each amount's minor units, and their one currency."""
    given = body.model_dump(exclude_unset=True)
    currencies = set()
    for name in ("investment", "running_month"):
        money = getattr(body, name)
        if name in given:
            given[name] = 0 if money is None else money.amount
            if money is not None:
                currencies.add(money.currency)
    if len(currencies) > 1:
        raise Problem(422, "investment and running_month must name one currency",
                      slug="currency-mismatch")  # fmt: skip
    if currencies:
        given["currency"] = currencies.pop()
    elif isinstance(body, PilotIn):
        given["currency"] = default_currency
    if isinstance(body, PilotIn):
        given.setdefault("running_month", 0)
    return given


def _found(session: Session, pilot_id: int) -> RemediationPilot:
    pilot = session.get(RemediationPilot, pilot_id)
    if pilot is None:
        raise Problem(404, f"no pilot {pilot_id}")
    return pilot


def _report(
    session: Session, user: User, restrict: bool, pilot: RemediationPilot
) -> dict[str, Any]:
    costs = get_costs(session)
    teams = access.team_reach(session, user, restrict)
    today = utcnow().date()
    return {**pilots.as_dict(pilot), **pilots.payback(session, pilot, costs, teams, today)}


@router.get("/reports/pilots")
def list_pilots(session: SessionDep, user: ReaderDep, workspace: WorkspaceDep) -> dict[str, Any]:
    """Every pilot, newest start first, each with its payback figures."""
    restrict = workspace.restrict_agents_to_teams
    items = [_report(session, user, restrict, pilot) for pilot in pilots.list_pilots(session)]
    return {"currency": get_costs(session).currency, "items": items}


@router.get("/reports/pilots/{pilot_id}")
def read_pilot(
    session: SessionDep, user: ReaderDep, workspace: WorkspaceDep, pilot_id: int
) -> dict[str, Any]:
    return _report(session, user, workspace.restrict_agents_to_teams, _found(session, pilot_id))


@router.post("/reports/pilots", status_code=201)
def create_pilot(
    session: WriteSessionDep, user: ManagerDep, workspace: WorkspaceDep, body: PilotIn
) -> dict[str, Any]:
    currency = get_costs(session).currency
    try:
        pilot = pilots.do_create_pilot(session, _values(body, currency), currency,
                                       actor_of(user), user.id)  # fmt: skip
    except pilots.PilotError as error:
        raise Problem(422, str(error), slug="invalid-pilot") from None
    result = _report(session, user, workspace.restrict_agents_to_teams, pilot)
    commit(session)
    return result


@router.patch("/reports/pilots/{pilot_id}")
def update_pilot(
    session: WriteSessionDep, user: ManagerDep, workspace: WorkspaceDep, pilot_id: int,
    body: PilotPatch,
) -> dict[str, Any]:  # fmt: skip
    pilot = _found(session, pilot_id)
    currency = get_costs(session).currency
    try:
        pilots.do_update_pilot(session, pilot, _values(body, currency), currency, actor_of(user))
    except pilots.PilotError as error:
        raise Problem(422, str(error), slug="invalid-pilot") from None
    result = _report(session, user, workspace.restrict_agents_to_teams, pilot)
    commit(session)
    return result


@router.delete("/reports/pilots/{pilot_id}", status_code=204)
def delete_pilot(session: WriteSessionDep, user: ManagerDep, pilot_id: int) -> Response:
    pilots.do_delete_pilot(session, _found(session, pilot_id), actor_of(user))
    commit(session)
    return Response(status_code=204)
