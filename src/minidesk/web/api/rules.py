"""Automation rules: list, create, change, delete, and YAML export/import (managers, admins)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from minidesk.automation.dry_run import MAX_RECENT, RECENT, dry_run
from minidesk.automation.models import Rule
from minidesk.automation.rules import (
    RuleError,
    RuleSpec,
    check_rule,
    do_create_rule,
    do_delete_rule,
    do_import_yaml,
    do_update_rule,
    export_yaml,
)
from minidesk.db import commit
from minidesk.desk.access import Permission
from minidesk.desk.models import Status, User
from minidesk.desk.users import actor_of
from minidesk.replies.spec import FieldError
from minidesk.web.api import PREFIX
from minidesk.web.deps import SessionDep, WriteSessionDep, requires
from minidesk.web.pagination import Page
from minidesk.web.problems import Problem

router = APIRouter(prefix=f"{PREFIX}/rules", tags=["automation"])


ManagerDep = Annotated[User, requires(Permission.MANAGE_RULES)]


def invalid(errors: list[FieldError]) -> Problem:
    return Problem(
        422,
        "; ".join(str(e) for e in errors),
        slug="invalid-rule",
        errors=[{"field": e.field, "message": e.message} for e in errors],
    )


class RuleOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str
    description: str
    event: str
    after: str | None
    status: str | None
    conditions: list[dict[str, Any]]
    actions: list[dict[str, Any]]
    enabled: bool
    position: int
    allow_automated: bool
    created_by_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime


class RulePatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=2000)
    event: str | None = None
    after: str | None = None
    status: Status | None = None
    conditions: list[dict[str, Any]] | None = None
    actions: list[dict[str, Any]] | None = None
    enabled: bool | None = None
    position: int | None = None
    allow_automated: bool | None = None


def _get(session: SessionDep | WriteSessionDep, rule_id: int) -> Rule:
    rule = session.get(Rule, rule_id)
    if rule is None:
        raise Problem(404, f"no rule {rule_id}")
    return rule


@router.get("", response_model=Page[RuleOut])
def list_rules(session: SessionDep, user: ManagerDep) -> Page[RuleOut]:
    """Every rule in evaluation order (position, then id)."""
    rows = session.scalars(select(Rule).order_by(Rule.position, Rule.id))
    return Page[RuleOut](items=[RuleOut.model_validate(r) for r in rows], next_cursor=None)


@router.post("", status_code=201, response_model=RuleOut)
def create_rule(body: RuleSpec, session: WriteSessionDep, user: ManagerDep) -> Rule:
    try:
        rule = do_create_rule(session, body.model_dump(mode="json"), actor_of(user), user)
    except RuleError as exc:
        raise invalid(exc.errors) from exc
    commit(session)
    return rule


@router.get("/export", response_class=Response)
def export_rules(session: SessionDep, user: ManagerDep) -> Response:
    """All rules as YAML, ready for ``POST /rules/import`` elsewhere."""
    return Response(export_yaml(session), media_type="application/yaml")


@router.post("/import")
def import_rules(
    session: WriteSessionDep,
    user: ManagerDep,
    document: Annotated[str, Body(media_type="application/yaml")],
) -> dict[str, int]:
    """Create or replace (by name) the rules of a YAML document — all of them or, if any is
    invalid, none; errors name the rule's index and field."""
    try:
        counts = do_import_yaml(session, document, actor_of(user), user)
    except RuleError as exc:
        raise invalid(exc.errors) from exc
    commit(session)
    return counts


class TrialOut(BaseModel):
    ticket_id: int
    subject: str
    status: str
    matched: bool
    conditions: list[dict[str, Any]]
    why_not: str


class DryRunOut(BaseModel):
    tried: int
    matched: int
    actions: list[dict[str, Any]]
    trials: list[TrialOut]


@router.post("/dry-run", response_model=DryRunOut)
def dry_run_rule(
    body: RuleSpec,
    session: SessionDep,
    user: ManagerDep,
    recent: Annotated[int, Query(ge=1, le=MAX_RECENT)] = RECENT,
) -> DryRunOut:
    """Try a rule (saved or not) on the ``recent`` newest tickets: which would match and
    what it would do. Nothing is changed."""
    try:
        spec = check_rule(session, body.model_dump(mode="json"))
    except RuleError as exc:
        raise invalid(exc.errors) from exc
    trials = dry_run(session, spec, recent=recent)
    return DryRunOut(
        tried=len(trials),
        matched=sum(t.matched for t in trials),
        actions=spec.actions,
        trials=[
            TrialOut(ticket_id=t.ticket.id, subject=t.ticket.subject, status=t.ticket.status,
                     matched=t.matched, conditions=t.conditions, why_not=t.why_not)
            for t in trials
        ],
    )  # fmt: skip


@router.get("/{rule_id}", response_model=RuleOut)
def get_rule(rule_id: int, session: SessionDep, user: ManagerDep) -> Rule:
    return _get(session, rule_id)


@router.patch("/{rule_id}", response_model=RuleOut)
def update_rule(rule_id: int, body: RulePatch, session: WriteSessionDep, user: ManagerDep) -> Rule:
    rule = _get(session, rule_id)
    try:
        do_update_rule(
            session, rule, body.model_dump(mode="json", exclude_unset=True), actor_of(user), user
        )
    except RuleError as exc:
        raise invalid(exc.errors) from exc
    commit(session)
    return rule


@router.delete("/{rule_id}", status_code=204)
def delete_rule(rule_id: int, session: WriteSessionDep, user: ManagerDep) -> Response:
    do_delete_rule(session, _get(session, rule_id), actor_of(user))
    commit(session)
    return Response(status_code=204)
