"""Returns: within the window after delivery (day 30 in, day 31 out) a verified customer gets
a return authorisation at once; outside, the policy is explained."""

from __future__ import annotations

from minidesk.commerce.connector import CommerceError
from minidesk.policies.audit import record_action, record_decision
from minidesk.policies.calendar import local_date
from minidesk.policies.decisions import Decision, Outcome, check_return
from minidesk.resolutions.context import BOT, Turn
from minidesk.resolutions.flows.common import own_order
from minidesk.resolutions.models import FollowUpRisk, Step
from minidesk.resolutions.outcome import do_ask, do_close, do_hand_off, say


def run(turn: Turn) -> None:
    order = own_order(turn)
    if order is None:
        return
    delivered = order.delivered_at
    delivered_on = local_date(delivered, turn.timezone) if delivered else None
    decision = check_return(turn.pack, order, delivered_on, turn.today)
    record_decision(
        turn.session,
        decision,
        BOT,
        ticket_id=turn.ticket.id,
        customer_id=turn.ticket.customer_id,
        order_number=order.number,
    )
    if decision.outcome == Outcome.DENY and delivered_on is not None:
        reply = say(
            "return_outside_window",
            order_number=order.number,
            days_since_delivery=(turn.today - delivered_on).days,
            return_window_days=turn.pack.return_window_days,
        )
        do_ask(turn, reply, Step.EXPLAINED)
        return
    if decision.outcome != Outcome.AUTO:
        do_hand_off(turn, decision)
        return
    try:
        result = turn.connector.create_return_authorisation(
            order.number, idempotency_key=f"ticket-{turn.ticket.id}-return"
        )
    except CommerceError as exc:
        do_hand_off(turn, Decision("return", Outcome.HAND_OFF, "store.refused", exc.reason))
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
    code = result.detail["code"]
    reply = say("return_authorised", order_number=order.number, return_number=code)
    do_close(turn, reply, decision.rule, FollowUpRisk.LOW, return_code=code)
