"""Approval requests: created when a refund is over a limit or legal words appear; a manager
approves (the money moves then, never before) or declines, with a reason. The customer is told
by the resolution flows, which listen for ``approval.decided``.

Four eyes: nobody decides an approval they caused — the agent who asked for it, the person
whose API token handed in the message the bot answered with it, or anyone who posted a
message as the customer on its ticket (``check_decider``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from minidesk.commerce.connector import CommerceError
from minidesk.commerce.money import Money
from minidesk.commerce.registry import connector_for
from minidesk.db import utcnow
from minidesk.desk.access import RANK, Forbidden, NotFound, visible_ticket_ids
from minidesk.desk.models import Direction, Message, Role, User
from minidesk.desk.users import actor_of
from minidesk.event_kinds import EventKind
from minidesk.events import Actor, ActorType, emit
from minidesk.policies.audit import do_refund
from minidesk.policies.decisions import Decision, Outcome, check_refund
from minidesk.policies.ledger import do_record_refund
from minidesk.policies.models import Approval, ApprovalKind, ApprovalStatus, LedgerSource
from minidesk.policies.pack import get_pack


class ApprovalError(ValueError):
    pass


class FourEyes(Forbidden):
    """The decider had a hand in the request; someone else must decide it."""


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
        requested_via_user_id=_poster_behind(session, ticket_id) if actor.automated else None,
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
        EventKind.APPROVAL_REQUESTED,
        actor,
        ticket_id=ticket_id,
        customer_id=customer_id,
        approval_id=approval.id,
        approval_kind=str(kind),
        order_number=order_number,
        **decision.as_data(),
    )
    return approval


def _poster_behind(session: Session, ticket_id: int | None) -> int | None:
    """Who handed in, with their API token, the message the bot is answering: the ticket's
    newest inbound message (``check_decider`` also looks at every earlier one)."""
    if ticket_id is None:
        return None
    return session.scalars(
        select(Message.posted_by_id)
        .where(Message.ticket_id == ticket_id, Message.direction == Direction.INBOUND)
        .order_by(Message.id.desc())
        .limit(1)
    ).first()


def check_decider(session: Session, approval: Approval, user: User) -> None:
    """Refuse a decider who had a hand in the request (``FourEyes``)."""
    if approval.requested_by_type == ActorType.USER and approval.requested_by_id == user.id:
        raise FourEyes("an approval cannot be decided by the person who asked for it")
    if approval.requested_via_user_id == user.id:
        raise FourEyes(
            "an approval cannot be decided by the person whose API token sent the message "
            "that raised it"
        )
    if approval.ticket_id is not None:
        spoke_for_customer = session.scalars(
            select(Message.id)
            .where(
                Message.ticket_id == approval.ticket_id,
                Message.direction == Direction.INBOUND,
                Message.posted_by_id == user.id,
            )
            .limit(1)
        ).first()
        if spoke_for_customer is not None:
            raise FourEyes(
                f"{user.email} posted as the customer on ticket {approval.ticket_id}; "
                "another approver must decide"
            )


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


def visible_approvals(
    session: Session, user: User, status: ApprovalStatus, restrict_to_teams: bool
) -> list[Approval]:
    """The queue as ``user`` may see it, oldest first: requests on tickets they may see, and
    those on no ticket (``Forbidden`` below the pack's approver role)."""
    approvals = pending_approvals(session, user, status)
    tickets = {a.ticket_id for a in approvals if a.ticket_id is not None}
    seen = visible_ticket_ids(session, user, restrict_to_teams, tickets)
    return [a for a in approvals if a.ticket_id is None or a.ticket_id in seen]


def _claim(
    session: Session, approval: Approval, status: ApprovalStatus, user: User, reason: str
) -> None:
    if not reason.strip():
        raise ApprovalError("a decision needs a reason")
    if approval.status != ApprovalStatus.PENDING:
        raise ApprovalError(f"approval {approval.id} was already decided")
    check_decider(session, approval, user)
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
        EventKind.APPROVAL_DECIDED,
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
        EventKind.APPROVAL_DECIDED,
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
