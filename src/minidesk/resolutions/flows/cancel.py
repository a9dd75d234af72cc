"""Cancel: only if not shipped; an authorisation is voided, a capture refunded in full to the
original method as part of the cancellation. Shipped → explain returns."""

from __future__ import annotations

from minidesk.commerce.connector import CommerceError
from minidesk.commerce.money import Money
from minidesk.policies.audit import record_action, record_decision
from minidesk.policies.decisions import Decision, Outcome, check_cancel
from minidesk.resolutions.context import BOT, Turn
from minidesk.resolutions.flows.common import own_order
from minidesk.resolutions.flows.refund import REFUND_TIMEFRAME
from minidesk.resolutions.models import FollowUpRisk, Step
from minidesk.resolutions.outcome import card, do_ask, do_close, do_hand_off, say


def run(turn: Turn) -> None:
    if turn.confidence < turn.pack.min_action_confidence:
        # Cancelling cannot be undone and has no confirmation token: be sure or ask a person.
        do_hand_off(
            turn,
            Decision(
                "cancel",
                Outcome.HAND_OFF,
                "intent.low_confidence",
                f"intent confidence {turn.confidence:.2f} is below "
                f"{turn.pack.min_action_confidence}",
            ),
        )
        return
    order = own_order(turn)
    if order is None:
        return
    decision = check_cancel(order)
    record_decision(
        turn.session,
        decision,
        BOT,
        ticket_id=turn.ticket.id,
        customer_id=turn.ticket.customer_id,
        order_number=order.number,
    )
    if decision.rule == "cancel.shipped":
        reply = say(
            "cancel_not_possible",
            order_number=order.number,
            reason="it has already shipped",
            return_window_days=turn.pack.return_window_days,
        )
        do_ask(turn, reply, Step.EXPLAINED)
        return
    if decision.outcome != Outcome.AUTO or order.payment is None:
        do_hand_off(turn, decision)
        return
    try:
        result = turn.connector.cancel(
            order.number, idempotency_key=f"ticket-{turn.ticket.id}-cancel"
        )
    except CommerceError as exc:
        do_hand_off(turn, Decision("cancel", Outcome.HAND_OFF, "store.refused", exc.reason))
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
    refunded = int(result.detail.get("refunded_minor", 0))
    if refunded:
        reply = say(
            "cancel_done",
            order_number=order.number,
            amount=Money(refunded, order.currency),
            timeframe=REFUND_TIMEFRAME,
            **card(order.payment),
        )
    else:
        reply = say("cancel_voided", order_number=order.number, **card(order.payment))
    do_close(turn, reply, decision.rule, FollowUpRisk.LOW, cancelled=result.ref)
