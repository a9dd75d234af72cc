"""Escalating one ticket by hand (with a hand-off note), its escalation history, and its
product-quality incident: the checklist and the acknowledgement."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from minidesk.db import commit
from minidesk.desk import access
from minidesk.desk.access import Permission
from minidesk.desk.models import User
from minidesk.desk.tickets import MAX_TIER
from minidesk.desk.users import actor_of
from minidesk.escalation import incidents
from minidesk.escalation.incidents import ChecklistItem
from minidesk.escalation.models import Escalation, Incident, TargetKind
from minidesk.escalation.service import EscalationError, do_escalate, history
from minidesk.web.api import PREFIX
from minidesk.web.deps import SessionDep, UserDep, WorkspaceDep, WriteSessionDep
from minidesk.web.problems import Problem
from minidesk.web.schemas import MAX_ROW_ID, RowIdPath, Strict

router = APIRouter(prefix=PREFIX, tags=["escalation"])


class EscalateIn(Strict):
    tier: int = Field(ge=1, le=MAX_TIER, description="the tier the ticket goes to (1-3)")
    note: str = Field(
        min_length=1, max_length=2000, description="the hand-off note: what was tried, why"
    )
    to: int | None = Field(
        None, ge=1, le=MAX_ROW_ID, description="a user id: hand it to them (assigned)"
    )


class EscalationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    ticket_id: int
    rule_id: int | None
    rule_name: str | None
    target: str
    target_user_ids: list[int]
    tier_before: int
    tier: int
    reason: str
    note: str
    actor_type: str
    actor_id: int | None
    actor_name: str
    created_at: dt.datetime


class ChecklistIn(Strict):
    done: bool


class ChecklistItemOut(BaseModel):
    item: str
    label: str
    done: bool
    by: int | None
    by_name: str | None
    at: str | None


class IncidentOut(BaseModel):
    id: int
    ticket: int
    reason: str
    opened_at: dt.datetime
    due_at: dt.datetime
    acknowledged_at: dt.datetime | None
    acknowledged_by: int | None
    escalated_at: dt.datetime | None
    closed_at: dt.datetime | None
    notified_user_ids: list[int]
    checklist: list[ChecklistItemOut]


class HistoryOut(BaseModel):
    tier: int
    items: list[EscalationOut]


@router.post("/tickets/{number}/escalate", status_code=201, response_model=EscalationOut)
def escalate_ticket(
    number: RowIdPath,
    body: EscalateIn,
    session: WriteSessionDep,
    user: UserDep,
    workspace: WorkspaceDep,
) -> Escalation:
    """Move the ticket up (or down) a tier with a hand-off note, optionally to a named agent;
    the escalation and its reason go on the timeline as ``ticket.escalated`` (or
    ``ticket.deescalated``)."""
    restrict = workspace.restrict_agents_to_teams
    ticket = access.access_ticket(session, user, number, restrict)
    to = None
    if body.to is not None:
        to = session.get(User, body.to)
        if to is None or not to.active:
            raise Problem(
                422,
                f"to: no active user {body.to}",
                slug="invalid-escalation",
                errors=[{"field": "to", "message": f"no active user {body.to}"}],
            )
        if not access.can_see(session, to, ticket, restrict):
            message = f"{to.email} cannot see ticket {number} (team restriction)"
            raise Problem(
                422,
                f"to: {message}",
                slug="invalid-escalation",
                errors=[{"field": "to", "message": message}],
            )
    direction = "escalated" if body.tier >= ticket.tier else "moved down"
    reason = f"{direction} to tier {body.tier} by {user.name or user.email}"
    try:
        escalation = do_escalate(
            session,
            ticket,
            actor_of(user),
            tier=body.tier,
            target=TargetKind.TIER,
            reason=reason,
            note=body.note,
            to=to,
        )
    except EscalationError as exc:
        raise Problem(
            422,
            str(exc),
            slug="invalid-escalation",
            errors=[{"field": exc.field, "message": exc.message}],
        ) from exc
    commit(session)
    return escalation


@router.get("/tickets/{number}/escalations", response_model=HistoryOut)
def ticket_escalations(
    number: RowIdPath, session: SessionDep, user: UserDep, workspace: WorkspaceDep
) -> HistoryOut:
    """The ticket's tier and every escalation of it, oldest first."""
    ticket = access.access_ticket(session, user, number, workspace.restrict_agents_to_teams)
    rows = [EscalationOut.model_validate(row) for row in history(session, ticket.id)]
    return HistoryOut(tier=ticket.tier, items=rows)


def _incident(
    session: SessionDep | WriteSessionDep, user: User, number: int, restrict: bool
) -> Incident:
    ticket = access.access_ticket(session, user, number, restrict)
    incident = incidents.incident_of(session, ticket.id)
    if incident is None:
        raise Problem(404, f"ticket {number} has no incident")
    return incident


@router.get("/tickets/{number}/incident", response_model=IncidentOut)
def get_incident(
    number: RowIdPath, session: SessionDep, user: UserDep, workspace: WorkspaceDep
) -> dict[str, Any]:
    incident = _incident(session, user, number, workspace.restrict_agents_to_teams)
    return incidents.as_dict(incident)


@router.put("/tickets/{number}/incident/checklist/{item}", response_model=IncidentOut)
def check_item(
    number: RowIdPath,
    item: ChecklistItem,
    body: ChecklistIn,
    session: WriteSessionDep,
    user: UserDep,
    workspace: WorkspaceDep,
) -> dict[str, Any]:
    """Tick (``done: true``) or untick a checklist item; all ticked closes the incident."""
    incident = _incident(session, user, number, workspace.restrict_agents_to_teams)
    incidents.do_check_item(session, incident, item, body.done, user, actor_of(user))
    commit(session)
    return incidents.as_dict(incident)


@router.post("/tickets/{number}/incident/acknowledge", response_model=IncidentOut)
def acknowledge_incident(
    number: RowIdPath,
    session: WriteSessionDep,
    user: UserDep,
    workspace: WorkspaceDep,
) -> dict[str, Any]:
    """Operations or compliance (or a manager) acknowledge: the deadline stops. Again: 409."""
    incident = _incident(session, user, number, workspace.restrict_agents_to_teams)
    allowed = access.has(user, Permission.MANAGE_ESCALATIONS) or incidents.may_acknowledge(
        session, user
    )
    if not allowed:
        raise Problem(403, "only operations, compliance or a manager acknowledge an incident")
    if not incidents.do_acknowledge(session, incident, user, actor_of(user)):
        raise Problem(409, "the incident was acknowledged already", slug="already-acknowledged")
    commit(session)
    return incidents.as_dict(incident)
