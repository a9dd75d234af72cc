"""Change the shipping address: only before shipping. The bot asks for the new address and
applies it only when the answer reads as an address; anything else goes to a person."""

from __future__ import annotations

from minidesk.policies.decisions import Decision, Outcome, check_address_change
from minidesk.resolutions.address_lines import parse_address
from minidesk.resolutions.answers import new_text
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
    decision = check_address_change(order)
    record_turn_decision(turn, decision, order_number=order.number)
    if decision.rule == "address.cancelled":
        explain_cancelled(turn, order)
    elif decision.rule == "address.shipped" and order.latest_shipment is not None:
        shipment = order.latest_shipment
        reply = say(
            "address_not_possible",
            order_number=order.number,
            carrier=shipment.carrier,
            tracking_number=shipment.tracking_number,
        )
        do_ask(turn, reply, Step.EXPLAINED)
    elif decision.outcome == Outcome.AUTO:
        do_ask(turn, say("ask_address", order_number=order.number), Step.AWAITING_ADDRESS)
    else:
        do_hand_off(turn, decision)


def apply(turn: Turn) -> None:
    # The body's new text only: a quoted history is not the address the customer gave.
    lines = parse_address(new_text(turn.message.text))
    number = turn.state.order_number
    order = turn.connector.get_order(number) if number else None
    if lines is None or order is None:
        do_hand_off(
            turn,
            Decision(
                "change_address",
                Outcome.HAND_OFF,
                "address.unreadable",
                "the reply did not read as a full address",
            ),
        )
        return
    decision = check_address_change(order)
    record_turn_decision(turn, decision, order_number=order.number)
    if decision.outcome != Outcome.AUTO:
        do_hand_off(turn, decision)
        return
    # Keyed by message: a second address sent later is a new change, not a replay.
    key = f"ticket-{turn.ticket.id}-address-{turn.message.id}"
    changed = do_store_action(
        turn,
        decision,
        lambda: turn.connector.change_shipping_address(
            order.number, {"lines": lines}, idempotency_key=key
        ),
        order_number=order.number,
    )
    if changed is None:
        return
    reply = say("address_changed", order_number=order.number, address=", ".join(lines))
    do_close(turn, reply, decision.rule, FollowUpRisk.LOW)
