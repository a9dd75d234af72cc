"""Every policy decision and every money movement is an event: rule, amounts, actor."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from minidesk.commerce.connector import ActionResult, CommerceConnector
from minidesk.commerce.money import Money
from minidesk.event_kinds import EventKind, commerce_kind
from minidesk.events import Actor, Event, emit
from minidesk.policies.decisions import Decision


def record_decision(
    session: Session,
    decision: Decision,
    actor: Actor,
    *,
    ticket_id: int | None = None,
    customer_id: int | None = None,
    **facts: Any,
) -> Event:
    return emit(
        session,
        EventKind.POLICY_DECIDED,
        actor,
        ticket_id=ticket_id,
        customer_id=customer_id,
        **decision.as_data(),
        facts=facts,
    )


def record_action(
    session: Session,
    result: ActionResult,
    decision: Decision,
    actor: Actor,
    *,
    order_number: str,
    ticket_id: int | None = None,
    customer_id: int | None = None,
) -> Event:
    """A commerce action that happened (or was replayed), with the rule that allowed it."""
    return emit(
        session,
        commerce_kind(result.kind),
        actor,
        ticket_id=ticket_id,
        customer_id=customer_id,
        order_number=order_number,
        ref=result.ref,
        idempotency_key=result.idempotency_key,
        replayed=result.replayed,
        rule=decision.rule,
        detail=result.detail,
    )


def do_refund(
    session: Session,
    connector: CommerceConnector,
    order_number: str,
    amount: Money,
    decision: Decision,
    actor: Actor,
    *,
    idempotency_key: str,
    ticket_id: int | None = None,
    customer_id: int | None = None,
) -> ActionResult:
    """Move the money (to the order's original payment method) and record why."""
    result = connector.refund(
        order_number, amount, idempotency_key=idempotency_key, reason=decision.rule
    )
    record_action(
        session,
        result,
        decision,
        actor,
        order_number=order_number,
        ticket_id=ticket_id,
        customer_id=customer_id,
    )
    return result
