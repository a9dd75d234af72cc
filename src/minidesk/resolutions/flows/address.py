"""Change the shipping address: only before shipping. The bot asks for the new address and
applies it only when the answer reads as an address; anything else goes to a person."""

from __future__ import annotations

import re

from minidesk.commerce.connector import CommerceError
from minidesk.policies.audit import record_action, record_decision
from minidesk.policies.decisions import Decision, Outcome, check_address_change
from minidesk.resolutions.context import BOT, Turn
from minidesk.resolutions.flows.common import own_order
from minidesk.resolutions.models import FollowUpRisk, Step
from minidesk.resolutions.outcome import do_ask, do_close, do_hand_off, say

MIN_PARTS, MAX_CHARS = 3, 300


def parse_address(text: str) -> list[str] | None:
    """Address lines from a reply like "12 High St, Leeds, LS1 4AB, UK"; None when it is not
    plainly an address (a question, no house number, too few parts)."""
    body = text.strip()
    if not body or len(body) > MAX_CHARS or "?" in body:
        return None
    parts = [p.strip() for p in re.split(r"[\n,]+", body) if p.strip()]
    if len(parts) < MIN_PARTS or not re.search(r"\d", parts[0] + parts[1]):
        return None
    return parts


def run(turn: Turn) -> None:
    order = own_order(turn)
    if order is None:
        return
    decision = check_address_change(order)
    record_decision(
        turn.session,
        decision,
        BOT,
        ticket_id=turn.ticket.id,
        customer_id=turn.ticket.customer_id,
        order_number=order.number,
    )
    if decision.rule == "address.shipped" and order.latest_shipment is not None:
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
    lines = parse_address(turn.message.text)
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
    record_decision(
        turn.session,
        decision,
        BOT,
        ticket_id=turn.ticket.id,
        customer_id=turn.ticket.customer_id,
        order_number=order.number,
    )
    if decision.outcome != Outcome.AUTO:
        do_hand_off(turn, decision)
        return
    try:
        result = turn.connector.change_shipping_address(
            order.number,
            {"lines": lines},
            idempotency_key=f"ticket-{turn.ticket.id}-address-{turn.message.id}",
        )
    except CommerceError as exc:
        do_hand_off(turn, Decision("change_address", Outcome.HAND_OFF, "store.refused", exc.reason))
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
    reply = say("address_changed", order_number=order.number, address=", ".join(lines))
    do_close(turn, reply, decision.rule, FollowUpRisk.LOW)
