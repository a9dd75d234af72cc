"""Staffing (leads and up): the Erlang calculator and a week's plan, chart-ready JSON."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from minidesk.desk import access
from minidesk.desk.access import Permission
from minidesk.desk.models import Team, User
from minidesk.desk.workspace import get_workspace
from minidesk.settings import get_settings
from minidesk.web.api import PREFIX
from minidesk.web.deps import SessionDep, UserDep, requires
from minidesk.web.problems import Problem
from minidesk.wfm.calculator import Demand, Mode, staff
from minidesk.wfm.erlang import ErlangError
from minidesk.wfm.history import GroupBy, Scope
from minidesk.wfm.inputs import Assumptions, Inputs, read_inputs, read_inputs_by
from minidesk.wfm.plan import build_plan

router = APIRouter(prefix=f"{PREFIX}/staffing", tags=["staffing"])

Planner = requires(Permission.SEE_STAFFING)

DAY = 86_400.0


class Promise(BaseModel):
    """What the shop promises and what agents can give, shared by both endpoints."""

    target: float = Field(0.8, gt=0, lt=1, description="share answered within answer_within")
    answer_within: float = Field(20, ge=0, le=DAY, description="seconds")
    shrinkage: float = Field(0.3, ge=0, lt=1, description="share of paid time off contacts")
    max_occupancy: float = Field(0.85, gt=0, le=1)
    concurrency: int = Field(1, ge=1, le=20, description="conversations an agent holds at once")
    patience: float | None = Field(
        None, gt=0, le=DAY, description="mean seconds before giving up: Erlang A"
    )


class CalculatorQuery(Promise):
    volume: float = Field(ge=0, le=1_000_000, description="contacts arriving per interval")
    aht: float = Field(gt=0, le=DAY, description="average handle time, seconds")
    interval: int = Field(3600, ge=60, le=DAY, description="seconds (3600: volume per hour)")
    backlog: bool = Field(False, description="deferred work (email): workload, no queue")


class PlanOptions(Promise):
    week: dt.date | None = Field(None, description="Monday of the week (default: next)")
    mode: Mode | None = Field(None, description="default: chat and phone queue, else backlog")
    response_within: float = Field(
        4 * 3600, ge=900, le=7 * DAY, description="backlog response target, seconds"
    )
    interval: int = Field(1800, description="900, 1800 or 3600 seconds")
    volume_factor: float = Field(1.0, ge=0, le=100, description="what-if: 1.2 is +20%")
    aht_factor: float = Field(1.0, gt=0, le=100, description="what-if: 0.75 is -25%")
    aht: float | None = Field(None, gt=0, le=DAY, description="seconds; default measured")
    history_weeks: int = Field(8, ge=1, le=52)

    def assumptions(self) -> Assumptions:
        if self.week is not None and self.week.weekday() != 0:
            raise Problem(422, "week must be a Monday", slug="staffing-input")
        assumptions = Assumptions(
            target=self.target,
            answer_within=self.answer_within,
            response_within=self.response_within,
            shrinkage=self.shrinkage,
            max_occupancy=self.max_occupancy,
            concurrency=self.concurrency,
            patience=self.patience,
            mode=self.mode,
            interval=self.interval,
            volume_factor=self.volume_factor,
            aht_factor=self.aht_factor,
            aht=self.aht,
            history_weeks=self.history_weeks,
        )
        try:
            assumptions.check()
        except ErlangError as exc:
            raise Problem(422, str(exc), slug="staffing-input") from None
        return assumptions


class PlanQuery(PlanOptions):
    channel: str | None = Field(None, max_length=16)
    team: int | None = Field(None, ge=1, le=2**31 - 1, description="team id")


class PlansQuery(PlanOptions):
    by: GroupBy = Field(GroupBy.TEAM, description="one plan per team or per channel")


@router.get("/calculator", dependencies=[Planner])
def calculator(query: Annotated[CalculatorQuery, Query()]) -> dict[str, Any]:
    """Agents needed for one interval (Erlang C; Erlang A with ``patience``)."""
    demand = Demand(
        volume=query.volume,
        aht=query.aht,
        target=query.target,
        answer_within=query.answer_within,
        interval=query.interval,
        shrinkage=query.shrinkage,
        max_occupancy=query.max_occupancy,
        concurrency=query.concurrency,
        patience=query.patience,
        mode=Mode.BACKLOG if query.backlog else Mode.QUEUE,
    )
    try:
        return staff(demand).to_json()
    except ErlangError as exc:
        raise Problem(422, str(exc), slug="staffing-input") from None


def _reach(session: SessionDep, user: User) -> frozenset[int] | None:
    return access.team_reach(session, user, get_workspace(session).restrict_agents_to_teams)


@router.get("/plan", dependencies=[Planner])
def plan(
    query: Annotated[PlanQuery, Query()], session: SessionDep, user: UserDep
) -> dict[str, Any]:
    """A week per interval: forecast volume (net of the bot's deflection), agents needed,
    FTE, service level, ASA and occupancy, with the forecast's accuracy on a held-out week.
    A lead the workspace restricts to their teams plans one of those teams."""
    reach = _reach(session, user)
    if query.team is not None and (
        session.get(Team, query.team) is None or (reach is not None and query.team not in reach)
    ):
        raise Problem(404, f"no team {query.team}")
    if query.team is None and reach is not None:
        raise access.Forbidden(
            "the workspace restricts you to your teams' work: plan one of them with `team`"
        )
    assumptions = query.assumptions()
    scope = Scope(query.channel, query.team)
    default_aht = get_settings().staffing_aht_seconds
    try:
        inputs = read_inputs(session, scope, assumptions, default_aht, query.week)
    except ErlangError as exc:
        raise Problem(422, str(exc), slug="staffing-input") from None
    return _plan(inputs, assumptions)


@router.get("/plans", dependencies=[Planner])
def plans(
    query: Annotated[PlansQuery, Query()], session: SessionDep, user: UserDep
) -> dict[str, Any]:
    """``/plan`` for every team (or channel) with tickets in the history, read at once: the
    overview a planner compares teams on (a restricted lead's own teams only)."""
    reach = _reach(session, user)
    if reach is not None and query.by != GroupBy.TEAM:
        raise access.Forbidden(
            "the workspace restricts you to your teams' work: group the plans by team"
        )
    assumptions = query.assumptions()
    default_aht = get_settings().staffing_aht_seconds
    try:
        everyone = read_inputs_by(session, query.by, assumptions, default_aht, query.week)
    except ErlangError as exc:
        raise Problem(422, str(exc), slug="staffing-input") from None
    mine = [i for i in everyone if reach is None or i.scope.team_id in reach]
    return {"items": [_plan(inputs, assumptions) for inputs in mine], "next_cursor": None}


def _plan(inputs: Inputs, assumptions: Assumptions) -> dict[str, Any]:
    try:
        return build_plan(inputs, assumptions).to_json()
    except ErlangError as exc:
        raise Problem(422, str(exc), slug="staffing-input") from None
