"""An agent's store actions on a ticket (refund, cancel, reship, address change, return
authorisation, password reset link, invoice copy): the one service the ticket page and
``POST /api/v1/tickets/{n}/actions/{action}`` share.

Each action is checked by the policy pack (the same ``check_*`` functions the bot obeys), its
decision recorded with the identity checks the agent ticked, and done under the request's
idempotency key: the key is claimed (``AgentAction``) in the transaction that acts, so a double
click or a replayed form gets the first answer back and the store acts once.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.commerce.connector import (
    ActionKind,
    ActionResult,
    CommerceConnector,
    CommerceError,
    OrderRecord,
)
from minidesk.commerce.linking import store_customers_of
from minidesk.commerce.money import Money
from minidesk.commerce.registry import connector_for
from minidesk.db import upsert_insert, utcnow
from minidesk.desk.models import Ticket, User
from minidesk.desk.users import actor_of
from minidesk.desk.workspace import get_workspace
from minidesk.policies.agent_refunds import RefundRefused, do_agent_refund
from minidesk.policies.audit import record_action, record_decision
from minidesk.policies.calendar import local_date
from minidesk.policies.decisions import (
    Decision,
    Outcome,
    check_address_change,
    check_cancel,
    check_reship,
    check_return,
)
from minidesk.policies.ledger import do_record_refund
from minidesk.policies.models import AgentAction, AgentActionStatus, LedgerSource
from minidesk.policies.pack import get_pack


class IdentityCheck(StrEnum):
    EMAIL_MATCHES_ORDER = "email_matches_order"
    VERIFIED_SENDER = "verified_sender"
    LAST4_CONFIRMED = "last4_confirmed"


IDENTITY_CHECKS = {
    IdentityCheck.EMAIL_MATCHES_ORDER: "The sender's email matches the order's",
    IdentityCheck.VERIFIED_SENDER: "The sender is verified (signed-in chat, DKIM mail, phone)",
    IdentityCheck.LAST4_CONFIRMED: "The customer told me the card's last 4 digits",
}
# Money back, a parcel to another door, a way into the account: asked for by an impostor,
# each does harm that cannot be undone, so the agent confirms who is asking first.
SENSITIVE = frozenset({ActionKind.REFUND, ActionKind.CHANGE_ADDRESS, ActionKind.PASSWORD_RESET})
ADDRESS_FIELDS = ("name", "line1", "line2", "city", "postcode", "country")
# Outcomes an agent may act on: AUTO is pre-authorised, AGENT and HAND_OFF ask for a person,
# who is the agent here. DENY is the store's policy whoever asks.
AGENT_MAY = frozenset({Outcome.AUTO, Outcome.AGENT, Outcome.HAND_OFF})


class ActionRefused(ValueError):
    """The policy pack or the store refuses; ``decision.rule`` says which rule."""

    def __init__(self, decision: Decision) -> None:
        super().__init__(decision.reason)
        self.decision = decision


@dataclass(frozen=True)
class ActionRequest:
    action: ActionKind
    idempotency_key: str
    order_number: str | None = None
    amount: Money | None = None
    reason: str = ""
    address: Mapping[str, str] | None = None
    identity_checks: Collection[IdentityCheck] = field(default_factory=frozenset)


@dataclass(frozen=True)
class ActionOutcome:
    action: str
    status: AgentActionStatus
    rule: str
    ref: str | None = None
    approval_id: int | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)
    replayed: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "status": str(self.status),
            "rule": self.rule,
            "ref": self.ref,
            "approval_id": self.approval_id,
            "detail": dict(self.detail),
            "replayed": self.replayed,
        }


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
        outcome = _store_action(session, user, ticket, request, claim, audit)
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


def _store_action(
    session: Session,
    user: User,
    ticket: Ticket,
    request: ActionRequest,
    claim: AgentAction,
    audit: dict[str, Any],
) -> ActionOutcome:
    connector = connector_for(session)
    order = _own_order(session, connector, ticket, request)
    decision = _decide(session, user, request, order)
    actor = actor_of(user)
    number = order.number if order else ""
    record_decision(
        session,
        decision,
        actor,
        ticket_id=ticket.id,
        customer_id=ticket.customer_id,
        order_number=number,
        note=request.reason,
        **audit,
    )
    if decision.outcome not in AGENT_MAY:
        raise ActionRefused(decision)
    key = f"agent-action-{claim.id}"
    try:
        result = _call(session, connector, ticket, request, order, key)
    except CommerceError as exc:
        refused = Decision(decision.action, Outcome.DENY, "store.refused", exc.reason)
        raise ActionRefused(refused) from exc
    record_action(
        session,
        result,
        decision,
        actor,
        order_number=number,
        ticket_id=ticket.id,
        customer_id=ticket.customer_id,
    )
    refunded = int(result.detail.get("refunded_minor", 0) or 0)
    if request.action == ActionKind.CANCEL and order and refunded and not result.replayed:
        do_record_refund(
            session,
            LedgerSource.CANCELLATION,
            Money(refunded, order.currency),
            order_number=order.number,
            customer_ref=order.customer_ref,
            refund_ref=result.ref,
            user_id=user.id,
            ticket_id=ticket.id,
        )
    return ActionOutcome(
        str(request.action), AgentActionStatus.DONE, decision.rule, result.ref, None, result.detail
    )


def _own_order(
    session: Session, connector: CommerceConnector, ticket: Ticket, request: ActionRequest
) -> OrderRecord | None:
    """The order, which must be the ticket's customer's (a password reset may name none)."""
    if request.order_number is None:
        if request.action == ActionKind.PASSWORD_RESET:
            return None
        raise _deny(request, "order.missing", f"{request.action} needs an order number")
    order = connector.get_order(request.order_number)
    owners = {c.ref for c in store_customers_of(session, connector, ticket.customer)}
    if order is None or order.customer_ref not in owners:
        raise _deny(
            request,
            "order.not_yours",
            f"order {request.order_number} is not this ticket's customer's",
        )
    return order


def _deny(request: ActionRequest, rule: str, reason: str) -> ActionRefused:
    return ActionRefused(Decision(str(request.action), Outcome.DENY, rule, reason))


def _decide(
    session: Session, user: User, request: ActionRequest, order: OrderRecord | None
) -> Decision:
    action = request.action
    if action == ActionKind.PASSWORD_RESET:
        return Decision(
            "password_reset",
            Outcome.AGENT,
            "password.identity_checked",
            f"{user.name or user.email} confirmed who is asking; "
            "the link goes to the email on file",
        )
    assert order is not None
    pack = get_pack(session)
    today = local_date(utcnow(), get_workspace(session).timezone)
    if action == ActionKind.CANCEL:
        return check_cancel(order)
    if action == ActionKind.RESHIP:
        return check_reship(pack, order, today)
    if action == ActionKind.CHANGE_ADDRESS:
        if not request.address or not all(request.address.get(k) for k in ("line1", "city")):
            raise _deny(
                request, "address.incomplete", "a new address needs at least line 1 and a city"
            )
        return check_address_change(order)
    if action == ActionKind.RETURN_AUTHORISATION:
        delivered = order.delivered_at
        return check_return(pack, order, delivered.date() if delivered else None, today)
    return Decision(
        "invoice",
        Outcome.AUTO,
        "invoice.email_on_file",
        "an invoice copy goes to the email on file",
    )


def _call(
    session: Session,
    connector: CommerceConnector,
    ticket: Ticket,
    request: ActionRequest,
    order: OrderRecord | None,
    key: str,
) -> ActionResult:
    action = request.action
    if action == ActionKind.PASSWORD_RESET:
        if order is not None:
            ref = order.customer_ref
        else:
            accounts = store_customers_of(session, connector, ticket.customer)
            if not accounts:
                raise CommerceError("the customer has no store account", permanent=True)
            ref = accounts[0].ref
        return connector.send_password_reset(ref, idempotency_key=key)
    assert order is not None
    if action == ActionKind.CANCEL:
        return connector.cancel(order.number, idempotency_key=key)
    if action == ActionKind.RESHIP:
        return connector.reship(order.number, idempotency_key=key)
    if action == ActionKind.CHANGE_ADDRESS:
        address = {k: v for k, v in (request.address or {}).items() if k in ADDRESS_FIELDS and v}
        return connector.change_shipping_address(order.number, address, idempotency_key=key)
    if action == ActionKind.RETURN_AUTHORISATION:
        return connector.create_return_authorisation(order.number, idempotency_key=key)
    return connector.resend_invoice(order.number, idempotency_key=key)
