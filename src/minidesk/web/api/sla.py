"""SLA policies (admins write, leads and managers read) and the attainment report."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query, Response
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from minidesk.db import commit
from minidesk.desk import access
from minidesk.desk.access import Permission
from minidesk.desk.models import User
from minidesk.desk.users import actor_of
from minidesk.sla.models import Metric, SlaPolicy
from minidesk.sla.policies import (
    PolicyError,
    do_create_policy,
    do_delete_policy,
    do_update_policy,
)
from minidesk.sla.report import Attainment, Dimension, as_csv, attainment
from minidesk.web.api import PREFIX
from minidesk.web.deps import SessionDep, WorkspaceDep, WriteSessionDep, requires
from minidesk.web.pagination import Page
from minidesk.web.problems import Problem
from minidesk.web.schemas import RowIdPath

router = APIRouter(prefix=PREFIX, tags=["sla"])

ReaderDep = Annotated[User, requires(Permission.SEE_SLA)]
AdminDep = Annotated[User, requires(Permission.MANAGE_SLA)]
# A report over more than this is a data export, not a question a lead asks of the desk.
MAX_REPORT_DAYS = 366


class PolicyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str
    description: str
    position: int
    enabled: bool
    conditions: dict[str, Any]
    targets: dict[str, Any]
    warn_before_seconds: int
    business_hours: dict[str, Any] | None
    created_at: dt.datetime
    updated_at: dt.datetime


class AttainmentOut(BaseModel):
    key: str | None
    label: str
    metric: str
    met: int
    breached: int
    total: int
    share: float | None


class ReportOut(BaseModel):
    since: dt.datetime
    until: dt.datetime
    by: Dimension
    items: list[AttainmentOut]


def invalid(exc: PolicyError) -> Problem:
    return Problem(
        422,
        str(exc),
        slug="invalid-sla-policy",
        errors=[{"field": field, "message": message} for field, message in exc.errors],
    )


def _get(session: SessionDep | WriteSessionDep, policy_id: int) -> SlaPolicy:
    policy = session.get(SlaPolicy, policy_id)
    if policy is None:
        raise Problem(404, f"no SLA policy {policy_id}")
    return policy


@router.get("/sla-policies", response_model=Page[PolicyOut])
def list_policies(session: SessionDep, user: ReaderDep) -> Page[PolicyOut]:
    """Every policy in match order: the first enabled one whose conditions hold applies."""
    rows = session.scalars(select(SlaPolicy).order_by(SlaPolicy.position, SlaPolicy.id))
    return Page[PolicyOut](items=[PolicyOut.model_validate(r) for r in rows], next_cursor=None)


@router.post("/sla-policies", status_code=201, response_model=PolicyOut)
def create_policy(
    session: WriteSessionDep, user: AdminDep, body: Annotated[dict[str, Any], Body()]
) -> SlaPolicy:
    """``{name, conditions, targets: {first_response|next_response|resolution: {seconds,
    business}}, warn_before_seconds, position, enabled, business_hours}``."""
    try:
        policy = do_create_policy(session, body, actor_of(user))
    except PolicyError as exc:
        raise invalid(exc) from exc
    commit(session)
    return policy


@router.get("/sla-policies/{policy_id}", response_model=PolicyOut)
def get_policy(policy_id: RowIdPath, session: SessionDep, user: ReaderDep) -> SlaPolicy:
    return _get(session, policy_id)


@router.patch("/sla-policies/{policy_id}", response_model=PolicyOut)
def update_policy(
    policy_id: RowIdPath,
    session: WriteSessionDep,
    user: AdminDep,
    body: Annotated[dict[str, Any], Body()],
) -> SlaPolicy:
    """Change any fields (``position`` reorders); the others keep their values."""
    policy = _get(session, policy_id)
    try:
        do_update_policy(session, policy, body, actor_of(user))
    except PolicyError as exc:
        raise invalid(exc) from exc
    commit(session)
    return policy


@router.delete("/sla-policies/{policy_id}", status_code=204)
def delete_policy(policy_id: RowIdPath, session: WriteSessionDep, user: AdminDep) -> Response:
    do_delete_policy(session, _get(session, policy_id), actor_of(user))
    commit(session)
    return Response(status_code=204)


@router.get(
    "/reports/sla",
    response_model=ReportOut,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def sla_report(
    session: SessionDep,
    user: ReaderDep,
    workspace: WorkspaceDep,
    since: dt.date,
    until: dt.date,
    by: Dimension = Dimension.POLICY,
    metric: Metric | None = None,
    format: Annotated[Literal["json", "csv"], Query()] = "json",
) -> Any:
    """Targets met and breached per policy, team, agent or channel, for cycles that ended
    from ``since`` to ``until`` (dates, UTC, both included). ``format=csv`` downloads it.
    Where agents are restricted to their teams, a lead sees their teams' tickets only."""
    if until < since:
        raise Problem(422, "until must not be before since", slug="invalid-range")
    if (until - since).days >= MAX_REPORT_DAYS:
        raise Problem(422, f"at most {MAX_REPORT_DAYS} days at once", slug="invalid-range")
    if until >= dt.date.max:
        raise Problem(422, "until must be before 9999-12-31", slug="invalid-range")
    start = dt.datetime.combine(since, dt.time(), dt.UTC)
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), dt.UTC)
    teams = access.team_reach(session, user, workspace.restrict_agents_to_teams)
    rows: list[Attainment] = attainment(session, start, end, by, metric, teams)
    if format == "csv":
        name = f"sla-{by}-{since}-{until}.csv"
        return Response(
            as_csv(rows),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    return ReportOut(
        since=start,
        until=end,
        by=by,
        items=[AttainmentOut.model_validate(row, from_attributes=True) for row in rows],
    )
