"""An agent's store actions other than refunds (cancel, reship, address change, return
authorisation, password reset link, invoice copy): the policy pack's ``check_*`` decides, the
decision is recorded with the agent's identity checks, the connector acts under a key of the
claimed request, and the action is recorded as the bot's are (``commerce.*`` events)."""

from __future__ import annotations

from typing import Any

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
from minidesk.db import utcnow
from minidesk.desk.models import Ticket, User
from minidesk.desk.users import actor_of
from minidesk.desk.workspace import get_workspace
from minidesk.policies.action_types import (
    ADDRESS_FIELDS,
    AGENT_MAY,
    ActionOutcome,
    ActionRefused,
    ActionRequest,
)
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


def do_store_action(
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
