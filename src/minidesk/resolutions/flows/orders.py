"""Where is my order / it is late: tracking in one reply, or a free reship when > 5 business
days late (never for a delivered order)."""

from __future__ import annotations

from minidesk.commerce.connector import CommerceError, OrderRecord
from minidesk.policies.audit import record_action, record_decision
from minidesk.policies.calendar import business_days_late
from minidesk.policies.decisions import Decision, Outcome, check_reship
from minidesk.resolutions.context import BOT, Turn
from minidesk.resolutions.flows.common import own_order
from minidesk.resolutions.models import FollowUpRisk
from minidesk.resolutions.outcome import do_close, do_hand_off
from minidesk.resolutions.texts import render


def run(turn: Turn) -> None:
    order = own_order(turn)
    if order is None:
        return
    if not order.shipped:
        do_close(
            turn,
            render("not_shipped", order=order.number),
            "order.not_shipped",
            FollowUpRisk.MEDIUM,
        )
        return
    shipment = order.latest_shipment
    assert shipment is not None
    if order.delivered_at is not None:
        text = render(
            "delivered",
            order=order.number,
            date=order.delivered_at.date().isoformat(),
            carrier=shipment.carrier,
            tracking=shipment.tracking_number,
        )
        do_close(turn, text, "order.delivered", FollowUpRisk.MEDIUM)
        return
    decision = check_reship(turn.pack, order, turn.today)
    record_decision(
        turn.session,
        decision,
        BOT,
        ticket_id=turn.ticket.id,
        customer_id=turn.ticket.customer_id,
        order_number=order.number,
    )
    if decision.outcome == Outcome.AUTO:
        _reship(turn, order, decision)
    elif decision.outcome == Outcome.HAND_OFF:
        do_hand_off(turn, decision)
    else:
        eta = shipment.eta.isoformat() if shipment.eta else "not yet known"
        text = render(
            "tracking",
            order=order.number,
            carrier=shipment.carrier,
            tracking=shipment.tracking_number,
            eta=eta,
        )
        do_close(turn, text, "order.tracking", FollowUpRisk.MEDIUM)


def _reship(turn: Turn, order: OrderRecord, decision: Decision) -> None:
    try:
        result = turn.connector.reship(
            order.number, idempotency_key=f"ticket-{turn.ticket.id}-reship"
        )
    except CommerceError as exc:
        do_hand_off(turn, Decision("reship", Outcome.HAND_OFF, "store.refused", exc.reason))
        return
    record_action(
        turn.session,
        result,
        decision,
        BOT,
        order_number=order.number,
        ticket_id=turn.ticket.id,
        customer_id=turn.ticket.customer_id,
    )
    assert order.promised_on is not None
    days = business_days_late(order.promised_on, turn.today, turn.pack.holidays)
    text = render(
        "reshipped",
        order=order.number,
        days=days,
        carrier=result.detail["carrier"],
        tracking=result.detail["tracking_number"],
    )
    do_close(turn, text, decision.rule, FollowUpRisk.MEDIUM, reship=result.ref)
