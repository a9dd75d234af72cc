"""What every flow shares: find the order and prove it is the customer's own, record the
decision against the ticket, and ask the store to act."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from minidesk.commerce.connector import ActionResult, CommerceError, OrderRecord
from minidesk.policies.audit import record_action, record_decision
from minidesk.policies.calendar import local_date
from minidesk.policies.decisions import Decision, Outcome, check_order_access
from minidesk.resolutions.context import BOT, Turn
from minidesk.resolutions.models import Step
from minidesk.resolutions.outcome import do_ask, do_hand_off, say

# Hand-off rule: the answer to "which order?" names no order of the customer's.
UNCLEAR = "order.unclear"


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
            # The answer names no order at all: unclear, not someone else's order (which
            # would tell the agent something false about the customer).
            do_hand_off(turn, _unclear(turn))
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


def _unclear(turn: Turn) -> Decision:
    answer = " ".join(turn.text.split())[:200]
    return Decision(
        "order.read",
        Outcome.HAND_OFF,
        UNCLEAR,
        f'asked which order; the answer "{answer}" names none of the customer\'s orders',
    )


def explain_cancelled(turn: Turn, order: OrderRecord) -> None:
    """The one reply for anything asked of a cancelled order: when it was cancelled and that
    nothing more will ship or change (never "not shipped yet")."""
    cancelled = order.cancelled_at or order.placed_at
    reply = say(
        "order_cancelled",
        order_number=order.number,
        cancelled_on=local_date(cancelled, turn.timezone),
    )
    do_ask(turn, reply, Step.EXPLAINED)


def record_turn_decision(turn: Turn, decision: Decision, **facts: Any) -> None:
    """Record ``decision`` as the bot's, against this turn's ticket and customer."""
    record_decision(
        turn.session,
        decision,
        BOT,
        ticket_id=turn.ticket.id,
        customer_id=turn.ticket.customer_id,
        **facts,
    )


def do_store_action(
    turn: Turn,
    decision: Decision,
    call: Callable[[], ActionResult],
    *,
    order_number: str = "",
) -> ActionResult | None:
    """Run the store action ``decision`` allowed and record it; None after handing off.

    ``call`` carries its own idempotency key so a retried turn replays rather than acting
    twice. A store that refuses (order changed under us, a provider error) is a person's job:
    the bot never retries or improvises around it.
    """
    try:
        result = call()
    except CommerceError as exc:
        refused = Decision(
            decision.action, Outcome.HAND_OFF, "store.refused", exc.reason, decision.amount
        )
        do_hand_off(turn, refused)
        return None
    record_action(
        turn.session,
        result,
        decision,
        BOT,
        order_number=order_number,
        ticket_id=turn.ticket.id,
        customer_id=turn.ticket.customer_id,
    )
    return result
