"""An agent's store actions on a ticket: refund, cancel, reship, address change, return
authorisation, password reset link, invoice copy. The ticket page's order panel posts to the
same service (``policies.agent_actions``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field

from minidesk.commerce.connector import ActionKind
from minidesk.commerce.money import Money
from minidesk.db import commit
from minidesk.desk import access
from minidesk.policies.agent_actions import (
    ActionRefused,
    ActionRequest,
    AgentActionStatus,
    IdentityCheck,
    do_agent_action,
)
from minidesk.web.api import PREFIX
from minidesk.web.deps import UserDep, WorkspaceDep, WriteSessionDep
from minidesk.web.problems import Problem

router = APIRouter(prefix=PREFIX, tags=["resolutions"])


class AddressIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field("", max_length=200)
    line1: str = Field(min_length=1, max_length=200)
    line2: str = Field("", max_length=200)
    city: str = Field(min_length=1, max_length=100)
    postcode: str = Field("", max_length=20)
    country: str = Field("", max_length=2, description="ISO 3166 alpha-2")


class ActionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a typo is a 422, never silently dropped
    idempotency_key: str = Field(
        min_length=8,
        max_length=100,
        pattern=r"^[A-Za-z0-9_.:-]+$",
        description="yours, one per intended action: a retry with it does nothing twice",
    )
    order_number: str | None = Field(None, max_length=32)
    amount_minor: int | None = Field(None, gt=0, description="refunds only")
    currency: str = Field("USD", min_length=3, max_length=3)
    reason: str = Field("", max_length=2000)
    address: AddressIn | None = Field(None, description="change_address only")
    identity_checks: list[IdentityCheck] = Field(
        default_factory=list,
        max_length=len(IdentityCheck),
        description="all of them, for refund, change_address and password_reset",
    )


def request_of(action: ActionKind, body: ActionIn) -> ActionRequest:
    return ActionRequest(
        action=action,
        idempotency_key=body.idempotency_key,
        order_number=body.order_number,
        amount=Money(body.amount_minor, body.currency.upper()) if body.amount_minor else None,
        reason=body.reason,
        address=body.address.model_dump() if body.address else None,
        identity_checks=frozenset(body.identity_checks),
    )


@router.post("/tickets/{number}/actions/{action}", status_code=201)
def act_on_ticket(
    number: int,
    action: ActionKind,
    body: ActionIn,
    response: Response,
    session: WriteSessionDep,
    user: UserDep,
    workspace: WorkspaceDep,
) -> dict[str, Any]:
    """Do ``action`` on one of the ticket's customer's orders, as the policy pack allows:
    201 done, 202 an approval request (a refund over your cap or day budget), 200 the first
    answer again (the idempotency key was used: nothing happened twice), 409 refused with
    the rule that refused it."""
    ticket = access.access_ticket(session, user, number, workspace.restrict_agents_to_teams)
    try:
        outcome = do_agent_action(session, user, ticket, request_of(action, body))
    except ActionRefused as exc:
        raise Problem(409, str(exc), slug="action-refused", rule=exc.decision.rule) from exc
    commit(session)
    if outcome.replayed:
        response.status_code = 200
    elif outcome.status == AgentActionStatus.APPROVAL_REQUESTED:
        response.status_code = 202
    return outcome.as_dict()
