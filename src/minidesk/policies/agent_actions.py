"""An agent's store actions on a ticket (refund, cancel, reship, address change, return
authorisation, password reset link, invoice copy): the one service the ticket page and
``POST /api/v1/tickets/{n}/actions/{action}`` share.

Each action is checked by the policy pack (the same ``check_*`` functions the bot obeys), its
decision recorded with the identity checks the agent ticked, and done under the request's
idempotency key: the key is claimed (``AgentAction``) in the transaction that acts, so a double
click or a replayed form gets the first answer back and the store acts once.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.commerce.connector import ActionKind
from minidesk.db import upsert_insert, utcnow
from minidesk.desk.models import Ticket, User
from minidesk.policies.action_types import (
    ADDRESS_FIELDS,
    IDENTITY_CHECKS,
    SENSITIVE,
    ActionOutcome,
    ActionRefused,
    ActionRequest,
    IdentityCheck,
)
from minidesk.policies.agent_refunds import RefundRefused, do_agent_refund
from minidesk.policies.decisions import Decision, Outcome
from minidesk.policies.models import AgentAction, AgentActionStatus
from minidesk.policies.store_actions import do_store_action

__all__ = [
    "ADDRESS_FIELDS",
    "IDENTITY_CHECKS",
    "SENSITIVE",
    "ActionOutcome",
    "ActionRefused",
    "ActionRequest",
    "AgentActionStatus",
    "IdentityCheck",
    "check_identity",
    "do_agent_action",
]


def check_identity(request: ActionRequest) -> None:
    """Every identity check ticked before a sensitive action (``ActionRefused`` otherwise)."""
    if request.action not in SENSITIVE:
        return
    missing = [str(c) for c in IdentityCheck if c not in set(request.identity_checks)]
    if missing:
        raise ActionRefused(
            Decision(
                str(request.action),
                Outcome.DENY,
                "identity.unchecked",
                f"confirm the customer's identity first (unticked: {', '.join(missing)})",
            )
        )


def do_agent_action(
    session: Session, user: User, ticket: Ticket, request: ActionRequest
) -> ActionOutcome:
    """Do ``request`` on ``ticket`` as ``user``, once per idempotency key. Raises
    ``ActionRefused`` (policy, store, identity) and ``Forbidden`` (no refund permission)."""
    check_identity(request)
    claim = _claim(session, user, ticket, request)
    if claim.status is not None:
        return _replayed(claim)
    audit = {
        "identity_checks": sorted(str(c) for c in request.identity_checks),
        "idempotency_key": request.idempotency_key,
    }
    if request.action == ActionKind.REFUND:
        outcome = _refund(session, user, ticket, request, audit)
    else:
        outcome = do_store_action(session, user, ticket, request, claim, audit)
    claim.status = outcome.status
    claim.result = {k: v for k, v in outcome.as_dict().items() if k not in ("status", "replayed")}
    return outcome


def _replayed(row: AgentAction) -> ActionOutcome:
    """The first answer to this key, again: nothing is done twice."""
    first = row.result
    return ActionOutcome(
        str(first["action"]),
        AgentActionStatus(str(row.status)),
        str(first["rule"]),
        first.get("ref"),
        first.get("approval_id"),
        first.get("detail") or {},
        replayed=True,
    )


def _claim(session: Session, user: User, ticket: Ticket, request: ActionRequest) -> AgentAction:
    """This request's row: inserted now, or the earlier one of the same key. A concurrent
    twin's INSERT waits here for the first transaction, then finds its finished row."""
    values = {
        "user_id": user.id,
        "idempotency_key": request.idempotency_key,
        "ticket_id": ticket.id,
        "action": str(request.action),
        "order_number": request.order_number,
        "status": None,
        "result": {},
        "created_at": utcnow(),
    }
    session.execute(
        upsert_insert(session, AgentAction)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["user_id", "idempotency_key"])
    )
    row = session.scalars(
        select(AgentAction)
        .where(
            AgentAction.user_id == user.id,
            AgentAction.idempotency_key == request.idempotency_key,
        )
        .execution_options(populate_existing=True)
    ).one()
    if (row.ticket_id, row.action, row.order_number) != (
        ticket.id,
        str(request.action),
        request.order_number,
    ):
        raise ActionRefused(
            Decision(
                str(request.action),
                Outcome.DENY,
                "idempotency.reused",
                f"idempotency key {request.idempotency_key} was used for another action",
            )
        )
    return row


def _refund(
    session: Session, user: User, ticket: Ticket, request: ActionRequest, audit: dict[str, Any]
) -> ActionOutcome:
    if request.order_number is None or request.amount is None:
        raise ActionRefused(
            Decision(
                "refund", Outcome.DENY, "refund.incomplete", "a refund needs an order and amount"
            )
        )
    try:
        done = do_agent_refund(
            session,
            user,
            ticket,
            request.order_number,
            request.amount,
            request.reason,
            idempotency_key=f"agent-action-{user.id}-{request.idempotency_key}",
            audit=audit,
        )
    except RefundRefused as exc:
        raise ActionRefused(exc.decision) from exc
    if done.approval is not None:
        return ActionOutcome(
            "refund",
            AgentActionStatus.APPROVAL_REQUESTED,
            done.decision.rule,
            approval_id=done.approval.id,
            detail={**request.amount.as_dict(), "order_number": request.order_number},
        )
    return ActionOutcome(
        "refund",
        AgentActionStatus.DONE,
        done.decision.rule,
        ref=done.refund_ref,
        detail={**request.amount.as_dict(), "order_number": request.order_number},
    )
