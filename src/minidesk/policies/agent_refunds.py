"""An agent's refund on a ticket: permission, per-refund cap, daily goodwill budget.

Within limits the money moves at once; over a cap or budget (or above the senior-manager
line) an approval request is created instead, so nothing ever fails silently.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from minidesk.commerce.connector import CommerceError
from minidesk.commerce.linking import store_customers_of
from minidesk.commerce.money import Money
from minidesk.commerce.registry import connector_for
from minidesk.desk.access import Forbidden
from minidesk.desk.models import Ticket, User
from minidesk.desk.users import actor_of
from minidesk.policies.approvals import do_request_approval
from minidesk.policies.audit import do_refund, record_decision
from minidesk.policies.decisions import Decision, Outcome, check_agent_refund
from minidesk.policies.ledger import do_record_refund, lock_accounts
from minidesk.policies.limits import limits_for, spent_today
from minidesk.policies.models import Approval, ApprovalKind, LedgerSource
from minidesk.policies.pack import get_pack


class RefundRefused(ValueError):
    """The store's rules refuse the refund whoever asks (over balance, nothing captured)."""

    def __init__(self, decision: Decision) -> None:
        super().__init__(decision.reason)
        self.decision = decision


@dataclass(frozen=True)
class AgentRefundOutcome:
    decision: Decision
    refund_ref: str | None = None
    approval: Approval | None = None


def do_agent_refund(
    session: Session,
    user: User,
    ticket: Ticket,
    order_number: str,
    amount: Money,
    note: str,
    *,
    idempotency_key: str | None = None,
    audit: Mapping[str, Any] | None = None,
) -> AgentRefundOutcome:
    """``idempotency_key`` (the agent's request's own) replaces the key derived from the
    amount and the day's spend; ``audit`` adds facts to the recorded decision (the identity
    checks the agent ticked)."""
    pack = get_pack(session)
    connector = connector_for(session)
    order = connector.get_order(order_number)
    owners = {c.ref for c in store_customers_of(session, connector, ticket.customer)}
    if order is None or order.customer_ref not in owners:
        raise RefundRefused(
            Decision(
                "refund",
                Outcome.DENY,
                "order.not_yours",
                f"order {order_number} is not this ticket's customer's",
            )
        )
    limits = limits_for(session, pack, user)
    # The day budget holds until this refund commits: a concurrent refund by the same agent
    # waits here and then reads a total that includes this one (see ``ledger``). The order's
    # balance is guarded by the store, which locks the payment as it refunds.
    lock_accounts(session, f"user:{user.id}")
    spent = spent_today(session, pack, user.id)
    decision = check_agent_refund(pack, limits, order.payment, amount, spent)
    actor = actor_of(user)
    facts = {
        "order_number": order.number,
        "spent_today": spent.as_dict(),
        "note": note,
        **(audit or {}),
    }
    record_decision(
        session, decision, actor, ticket_id=ticket.id, customer_id=ticket.customer_id, **facts
    )
    if decision.rule == "permission.refund":
        raise Forbidden(f"{user.email} may not refund ({user.role} without refund permission)")
    if decision.outcome in (Outcome.DENY, Outcome.HAND_OFF):
        raise RefundRefused(decision)
    if decision.outcome == Outcome.APPROVAL:
        approval = do_request_approval(
            session,
            ApprovalKind.REFUND,
            decision,
            actor,
            ticket_id=ticket.id,
            customer_id=ticket.customer_id,
            order_number=order.number,
            facts=facts,
        )
        return AgentRefundOutcome(decision, approval=approval)
    try:
        result = do_refund(
            session,
            connector,
            order.number,
            amount,
            decision,
            actor,
            idempotency_key=idempotency_key
            or f"agent-{user.id}-ticket-{ticket.id}-"
            f"{order.number}-{amount.amount_minor}-{spent.amount_minor}",
            ticket_id=ticket.id,
            customer_id=ticket.customer_id,
        )
    except CommerceError as exc:
        raise RefundRefused(Decision("refund", Outcome.DENY, "store.refused", exc.reason)) from exc
    if not result.replayed:
        do_record_refund(
            session,
            LedgerSource.AGENT,
            amount,
            order_number=order.number,
            customer_ref=order.customer_ref,
            refund_ref=result.ref,
            user_id=user.id,
            ticket_id=ticket.id,
        )
    return AgentRefundOutcome(decision, refund_ref=result.ref)
