"""What every order flow does first: find the order, and prove it is the customer's own."""

from __future__ import annotations

from minidesk.commerce.connector import OrderRecord
from minidesk.policies.audit import record_decision
from minidesk.policies.decisions import Outcome, check_order_access
from minidesk.resolutions.context import BOT, Turn
from minidesk.resolutions.models import Step
from minidesk.resolutions.outcome import do_ask, do_hand_off, say


def own_order(turn: Turn) -> OrderRecord | None:
    """The customer's order this turn is about, or None after asking/handing off.

    An order number that belongs to someone else, or to nobody, gets the same answer and no
    details; the second miss hands off.
    """
    numbers = turn.order_numbers or ([turn.state.order_number] if turn.state.order_number else [])
    if not turn.verified or turn.customer is None:
        decision = check_order_access(False, None, None)
        record_decision(turn.session, decision, BOT, ticket_id=turn.ticket.id)
        do_hand_off(turn, decision)
        return None
    if not numbers:
        orders = turn.connector.list_orders(turn.customer.ref)
        if len(orders) == 1:
            numbers = [orders[0].number]
        elif turn.state.step == Step.AWAITING_ORDER:
            decision = check_order_access(True, turn.customer.ref, None)
            do_hand_off(turn, decision)
            return None
        else:
            do_ask(turn, say("ask_order"), Step.AWAITING_ORDER)
            return None
    number = numbers[0]
    order = turn.connector.get_order(number)
    decision = check_order_access(True, turn.customer.ref, order)
    record_decision(turn.session, decision, BOT, ticket_id=turn.ticket.id, order_number=number)
    if decision.outcome != Outcome.AUTO or order is None:
        if turn.state.step == Step.AWAITING_ORDER:
            do_hand_off(turn, decision)
        else:
            do_ask(turn, say("order_unknown", order_number=number), Step.AWAITING_ORDER)
        return None
    turn.state.order_number = order.number
    return order
