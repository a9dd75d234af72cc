"""Approval requests: created when a refund is over a limit or legal words appear; a manager
approves (the money moves then, never before) or declines, with a reason. The customer is told
by the resolution flows, which listen for ``approval.decided``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from minidesk.commerce.connector import CommerceError
from minidesk.commerce.money import Money
from minidesk.commerce.registry import connector_for
from minidesk.db import utcnow
from minidesk.desk.access import RANK, Forbidden, NotFound
from minidesk.desk.models import Role, User
from minidesk.desk.users import actor_of
from minidesk.events import Actor, emit
from minidesk.policies.audit import do_refund
from minidesk.policies.decisions import Decision, Outcome, check_refund
from minidesk.policies.ledger import do_record_refund
from minidesk.policies.models import Approval, ApprovalKind, ApprovalStatus, LedgerSource
from minidesk.policies.pack import get_pack


class ApprovalError(ValueError):
    pass


def do_request_approval(
    session: Session,
    kind: ApprovalKind,
    decision: Decision,
    actor: Actor,
    *,
    ticket_id: int | None,
    customer_id: int | None = None,
    order_number: str | None = None,
    facts: dict[str, Any] | None = None,
) -> Approval:
    approval = Approval(
        kind=kind,
        ticket_id=ticket_id,
        order_number=order_number,
        amount_minor=decision.amount.amount_minor if decision.amount else None,
        currency=decision.amount.currency if decision.amount else None,
        rule=decision.rule,
        reason=decision.reason,
        requested_by_type=actor.type,
        requested_by_id=actor.id,
        requested_by_name=actor.name,
        facts=facts or {},
    )
    session.add(approval)
    session.flush()
    emit(
        session,
        "approval.requested",
        actor,
        ticket_id=ticket_id,
        customer_id=customer_id,
        approval_id=approval.id,
        approval_kind=str(kind),
        order_number=order_number,
        **decision.as_data(),
    )
    return approval


def check_approver(session: Session, user: User) -> None:
    needed = get_pack(session).approver_role
    if RANK[Role(user.role)] < RANK[needed]:
        raise Forbidden(f"approvals need the {needed} role or higher; {user.email} is {user.role}")


def access_approval(session: Session, user: User, approval_id: int) -> Approval:
    check_approver(session, user)
    approval = session.get(Approval, approval_id)
    if approval is None:
        raise NotFound(f"approval {approval_id} does not exist")
    return approval


def pending_approvals(session: Session, user: User, status: ApprovalStatus) -> list[Approval]:
    check_approver(session, user)
    query = select(Approval).where(Approval.status == status).order_by(Approval.id)
    return list(session.scalars(query))


def _claim(
    session: Session, approval: Approval, status: ApprovalStatus, user: User, reason: str
) -> None:
    if not reason.strip():
        raise ApprovalError("a decision needs a reason")
    if approval.requested_by_type == "user" and approval.requested_by_id == user.id:
        raise Forbidden("an approval cannot be decided by the person who asked for it")
    won = session.execute(
        update(Approval)
        .where(Approval.id == approval.id, Approval.status == ApprovalStatus.PENDING)
        .values(
            status=status,
            decided_by_id=user.id,
            decision_reason=reason.strip(),
            decided_at=utcnow(),
        )
    )
    if won.rowcount != 1:  # type: ignore[attr-defined]
        raise ApprovalError(f"approval {approval.id} was already decided")
    session.refresh(approval)


def do_approve(session: Session, approval: Approval, user: User, reason: str) -> Approval:
    """Approve; for a refund the money moves now, after re-checking the order's balance."""
    _claim(session, approval, ApprovalStatus.APPROVED, user, reason)
    actor = actor_of(user)
    refunded: dict[str, Any] | None = None
    if approval.kind == ApprovalKind.REFUND:
        refunded = _execute_refund(session, approval, actor)
    emit(
        session,
        "approval.decided",
        actor,
        ticket_id=approval.ticket_id,
        approval_id=approval.id,
        approval_kind=approval.kind,
        status="approved",
        reason=approval.decision_reason,
        rule=approval.rule,
        refund=refunded,
    )
    return approval


def do_decline(session: Session, approval: Approval, user: User, reason: str) -> Approval:
    _claim(session, approval, ApprovalStatus.DECLINED, user, reason)
    emit(
        session,
        "approval.decided",
        actor_of(user),
        ticket_id=approval.ticket_id,
        approval_id=approval.id,
        approval_kind=approval.kind,
        status="declined",
        reason=approval.decision_reason,
        rule=approval.rule,
        refund=None,
    )
    return approval


def _execute_refund(session: Session, approval: Approval, actor: Actor) -> dict[str, Any]:
    assert approval.order_number and approval.amount_minor and approval.currency
    connector = connector_for(session)
    order = connector.get_order(approval.order_number)
    amount = Money(approval.amount_minor, approval.currency)
    base = check_refund(get_pack(session), order.payment if order else None, amount)
    if order is None or base.outcome in (Outcome.DENY, Outcome.HAND_OFF):
        raise ApprovalError(f"cannot refund now: {base.reason}")
    decision = Decision(
        "refund",
        Outcome.AUTO,
        "approval.approved",
        f"approved by {actor.name}: {approval.decision_reason}",
        amount,
    )
    try:
        result = do_refund(
            session,
            connector,
            order.number,
            amount,
            decision,
            actor,
            idempotency_key=f"approval-{approval.id}",
            ticket_id=approval.ticket_id,
        )
    except CommerceError as exc:
        raise ApprovalError(exc.reason) from exc
    if not result.replayed:
        do_record_refund(
            session,
            LedgerSource.APPROVAL,
            amount,
            order_number=order.number,
            customer_ref=order.customer_ref,
            refund_ref=result.ref,
            ticket_id=approval.ticket_id,
        )
    payment = order.payment
    assert payment is not None
    return {
        **amount.as_dict(),
        "ref": result.ref,
        "payment": payment.label,
        "method": payment.method,
        "last4": payment.last4,
    }
