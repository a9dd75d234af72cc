"""The escalation matrix (managers and admins write, leads read) and who hears of incidents."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Body, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from minidesk.db import commit
from minidesk.desk.access import Permission
from minidesk.desk.models import User
from minidesk.desk.users import actor_of
from minidesk.escalation.models import EscalationRule
from minidesk.escalation.rules import RuleError, do_create_rule, do_delete_rule, do_update_rule
from minidesk.escalation.settings import SettingsError, do_update_settings, settings_dict
from minidesk.web.api import PREFIX
from minidesk.web.deps import SessionDep, WriteSessionDep, requires
from minidesk.web.pagination import Page
from minidesk.web.problems import Problem
from minidesk.web.schemas import RowIdPath, Strict

router = APIRouter(prefix=PREFIX, tags=["escalation"])

ReaderDep = Annotated[User, requires(Permission.SEE_SLA)]
ManagerDep = Annotated[User, requires(Permission.MANAGE_ESCALATIONS)]


class RuleOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str
    description: str
    position: int
    enabled: bool
    trigger: dict[str, Any]
    target: str
    tier: int
    created_at: dt.datetime
    updated_at: dt.datetime


class SettingsIn(Strict):
    operations_team_id: int | None = Field(None, ge=1, description="a team id, or null: nobody")
    compliance_team_id: int | None = Field(None, ge=1, description="a team id, or null: nobody")
    acknowledge_hours: int | None = Field(None, ge=1, le=720)


class SettingsOut(BaseModel):
    operations_team_id: int | None
    compliance_team_id: int | None
    acknowledge_hours: int


def invalid(exc: RuleError) -> Problem:
    return Problem(
        422,
        str(exc),
        slug="invalid-escalation-rule",
        errors=[{"field": field, "message": message} for field, message in exc.errors],
    )


def _get(session: SessionDep | WriteSessionDep, rule_id: int) -> EscalationRule:
    rule = session.get(EscalationRule, rule_id)
    if rule is None:
        raise Problem(404, f"no escalation rule {rule_id}")
    return rule


@router.get("/escalation-rules", response_model=Page[RuleOut])
def list_rules(session: SessionDep, user: ReaderDep) -> Page[RuleOut]:
    """The matrix in order; every enabled rule whose trigger holds fires."""
    query = select(EscalationRule).order_by(EscalationRule.position, EscalationRule.id)
    rows = session.scalars(query)
    return Page[RuleOut](items=[RuleOut.model_validate(r) for r in rows], next_cursor=None)


@router.post("/escalation-rules", status_code=201, response_model=RuleOut)
def create_rule(
    session: WriteSessionDep, user: ManagerDep, body: Annotated[dict[str, Any], Body()]
) -> EscalationRule:
    """``{name, trigger: {kind: unresolved, hours, business} | {kind: refund_over,
    amount_minor, currency} | {kind: legal_words} | {kind: health_safety}, target:
    team_lead|senior_manager|incident|tier, tier: 1-3, position, enabled, description}``."""
    try:
        rule = do_create_rule(session, body, actor_of(user))
    except RuleError as exc:
        raise invalid(exc) from exc
    commit(session)
    return rule


@router.get("/escalation-rules/{rule_id}", response_model=RuleOut)
def get_rule(rule_id: RowIdPath, session: SessionDep, user: ReaderDep) -> EscalationRule:
    return _get(session, rule_id)


@router.patch("/escalation-rules/{rule_id}", response_model=RuleOut)
def update_rule(
    rule_id: RowIdPath,
    session: WriteSessionDep,
    user: ManagerDep,
    body: Annotated[dict[str, Any], Body()],
) -> EscalationRule:
    """Change any fields; the others keep their values. Running timers keep their due times."""
    rule = _get(session, rule_id)
    try:
        do_update_rule(session, rule, body, actor_of(user))
    except RuleError as exc:
        raise invalid(exc) from exc
    commit(session)
    return rule


@router.delete("/escalation-rules/{rule_id}", status_code=204)
def delete_rule(rule_id: RowIdPath, session: WriteSessionDep, user: ManagerDep) -> Response:
    do_delete_rule(session, _get(session, rule_id), actor_of(user))
    commit(session)
    return Response(status_code=204)


@router.get("/escalation-settings", response_model=SettingsOut)
def get_settings(session: WriteSessionDep, user: ReaderDep) -> dict[str, Any]:
    found = settings_dict(session)
    commit(session)  # the row is created on first read
    return found


@router.put("/escalation-settings", response_model=SettingsOut)
def put_settings(session: WriteSessionDep, user: ManagerDep, body: SettingsIn) -> dict[str, Any]:
    """The teams told of a product-quality incident, and the hours they have to acknowledge
    it before the ticket goes to a senior manager. Fields left out keep their values."""
    try:
        do_update_settings(session, body.model_dump(exclude_unset=True), actor_of(user))
    except SettingsError as exc:
        raise Problem(
            422,
            str(exc),
            slug="invalid-escalation-settings",
            errors=[{"field": exc.field, "message": exc.message}],
        ) from exc
    commit(session)
    return settings_dict(session)
