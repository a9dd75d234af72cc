"""Agent refunds, the approval queue, per-agent limits and a ticket's resolution record."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field

from minidesk.commerce.money import Money
from minidesk.db import commit
from minidesk.desk import access
from minidesk.desk.access import Permission
from minidesk.desk.models import User
from minidesk.desk.users import actor_of
from minidesk.desk.workspace import Workspace
from minidesk.policies.agent_refunds import RefundRefused, do_agent_refund
from minidesk.policies.approvals import (
    ApprovalError,
    FourEyes,
    access_approval,
    do_approve,
    do_decline,
    visible_approvals,
)
from minidesk.policies.limits import check_limits_change, do_set_agent_limits
from minidesk.policies.models import Approval, ApprovalStatus
from minidesk.policies.pack import PolicyError, RolePolicy, get_pack
from minidesk.resolutions.models import ResolutionState
from minidesk.web.api import PREFIX
from minidesk.web.deps import SessionDep, UserDep, WorkspaceDep, WriteSessionDep, requires
from minidesk.web.problems import Problem

router = APIRouter(prefix=PREFIX, tags=["resolutions"])


class RefundIn(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a typo is a 422, never silently dropped
    order_number: str = Field(max_length=32)
    amount_minor: int = Field(gt=0)
    currency: str = Field("USD", min_length=3, max_length=3)
    note: str = Field("", max_length=2000)


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a typo is a 422, never silently dropped
    reason: str = Field(min_length=1, max_length=2000)


class LimitsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a typo is a 422, never silently dropped
    may_refund: bool
    cap_minor: int = Field(ge=0)
    daily_budget_minor: int = Field(ge=0)


def approval_out(approval: Approval) -> dict[str, Any]:
    return {
        "id": approval.id,
        "kind": approval.kind,
        "status": approval.status,
        "ticket_number": approval.ticket_id,
        "order_number": approval.order_number,
        "amount_minor": approval.amount_minor,
        "currency": approval.currency,
        "rule": approval.rule,
        "reason": approval.reason,
        "requested_by": approval.requested_by_name,
        "requested_via_user_id": approval.requested_via_user_id,
        "decision_reason": approval.decision_reason,
        "created_at": approval.created_at,
        "decided_at": approval.decided_at,
    }


@router.post("/tickets/{number}/refunds", status_code=201)
def refund_on_ticket(
    number: int,
    body: RefundIn,
    response: Response,
    session: WriteSessionDep,
    user: UserDep,
    workspace: WorkspaceDep,
) -> dict[str, Any]:
    """Refund to the order's original payment method. Within your cap and daily budget the
    money moves (201); over them an approval request is created instead (202)."""
    ticket = access.access_ticket(session, user, number, workspace.restrict_agents_to_teams)
    amount = Money(body.amount_minor, body.currency.upper())
    try:
        outcome = do_agent_refund(session, user, ticket, body.order_number, amount, body.note)
    except RefundRefused as exc:
        raise Problem(409, str(exc), slug="refund-refused", rule=exc.decision.rule) from exc
    commit(session)
    if outcome.approval is not None:
        response.status_code = 202
        return {
            "status": "approval_requested",
            "rule": outcome.decision.rule,
            "approval": approval_out(outcome.approval),
        }
    return {"status": "refunded", "rule": outcome.decision.rule, "refund": outcome.refund_ref}


@router.get("/approvals")
def list_approvals(
    session: SessionDep,
    user: UserDep,
    workspace: WorkspaceDep,
    status: ApprovalStatus = ApprovalStatus.PENDING,
) -> dict[str, Any]:
    """The approval queue (the pack's approver role and up), oldest first: requests on
    tickets you may see, and those on no ticket."""
    approvals = visible_approvals(session, user, status, workspace.restrict_agents_to_teams)
    return {"items": [approval_out(a) for a in approvals], "next_cursor": None}


def _decide(
    approval_id: int,
    body: DecisionIn,
    session: WriteSessionDep,
    user: User,
    workspace: Workspace,
    approve: bool,
) -> dict[str, Any]:
    approval = access_approval(session, user, approval_id)
    if approval.ticket_id is not None:
        # Deciding needs the ticket's facts; an approver restricted to other teams has none.
        access.access_ticket(session, user, approval.ticket_id, workspace.restrict_agents_to_teams)
    try:
        (do_approve if approve else do_decline)(session, approval, user, body.reason)
    except ApprovalError as exc:
        raise Problem(409, str(exc), slug="approval-conflict") from exc
    except FourEyes as exc:
        raise Problem(403, exc.detail, slug="four-eyes") from exc
    commit(session)
    return approval_out(approval)


@router.post("/approvals/{approval_id}/approve")
def approve(
    approval_id: int,
    body: DecisionIn,
    session: WriteSessionDep,
    user: UserDep,
    workspace: WorkspaceDep,
) -> dict[str, Any]:
    """Approve with a reason; an approved refund moves the money now."""
    return _decide(approval_id, body, session, user, workspace, approve=True)


@router.post("/approvals/{approval_id}/decline")
def decline(
    approval_id: int,
    body: DecisionIn,
    session: WriteSessionDep,
    user: UserDep,
    workspace: WorkspaceDep,
) -> dict[str, Any]:
    """Decline with a reason; the customer is told."""
    return _decide(approval_id, body, session, user, workspace, approve=False)


@router.put("/agents/{user_id}/limits")
def set_agent_limits(
    user_id: int,
    body: LimitsIn,
    session: WriteSessionDep,
    user: User = requires(Permission.SET_AGENT_LIMITS),
) -> dict[str, Any]:
    """Another person's refund permission, per-refund cap and daily budget. Managers set them
    for people ranked below them, up to their role's default in the pack; above it needs an
    admin. Nobody sets their own. The change is an event with the limits before and after."""
    agent = session.get(User, user_id)
    if agent is None:
        raise Problem(404, f"no user {user_id}")
    limits = RolePolicy(body.may_refund, body.cap_minor, body.daily_budget_minor)
    check_limits_change(get_pack(session), user, agent, limits)
    try:
        do_set_agent_limits(session, agent, limits, actor_of(user))
    except PolicyError as exc:
        raise Problem(422, str(exc)) from exc
    commit(session)
    return {"user_id": user_id, **body.model_dump()}


@router.get("/tickets/{number}/resolution")
def ticket_resolution(
    number: int, session: SessionDep, user: UserDep, workspace: WorkspaceDep
) -> dict[str, Any]:
    """How the ticket is being resolved: auto / agent / escalated, turns, follow-up risk."""
    ticket = access.access_ticket(session, user, number, workspace.restrict_agents_to_teams)
    state = session.get(ResolutionState, ticket.id)
    return {
        "ticket_number": ticket.id,
        "resolution": ticket.resolution,
        "turns": ticket.turns,
        "follow_up_risk": state.follow_up_risk if state else None,
        "flow": state.flow if state else None,
        "step": state.step if state else None,
        "order_number": state.order_number if state else None,
    }
