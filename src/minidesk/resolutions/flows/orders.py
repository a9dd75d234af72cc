"""Where is my order / when will it come / it is late: tracking and the ETA in one reply, or a
free reship when more than 5 business days late (never for a delivered order). A cancelled
order is said to be cancelled, never "not shipped yet". An order past its promised day but
not late enough to resend is said to be late, with the day from which a reply gets the
items resent: the customer's next step, and the policy's."""

from __future__ import annotations

from minidesk.commerce.connector import OrderRecord, ShipmentRecord
from minidesk.commerce.tracking import tracking_url
from minidesk.policies.calendar import business_days_late, first_day_late_by, local_date
from minidesk.policies.decisions import Decision, Outcome, check_reship
from minidesk.replies.locale import NOT_GIVEN
from minidesk.resolutions.context import Turn
from minidesk.resolutions.facts import GUESSED
from minidesk.resolutions.flows.common import (
    do_store_action,
    explain_cancelled,
    own_order,
    record_turn_decision,
)
from minidesk.resolutions.models import FollowUpRisk
from minidesk.resolutions.outcome import Say, do_close, do_hand_off, say


def run(turn: Turn) -> None:
    order = own_order(turn)
    if order is None:
        return
    if order.cancelled:
        explain_cancelled(turn, order)
        return
    if not order.shipped:
        do_close(
            turn,
            say("order_not_shipped", order_number=order.number),
            "order.not_shipped",
            FollowUpRisk.MEDIUM,
        )
        return
    shipment = order.latest_shipment
    assert shipment is not None
    if order.delivered_at is not None:
        reply = say(
            "order_delivered",
            order_number=order.number,
            delivered_on=local_date(order.delivered_at, turn.timezone),
            carrier=shipment.carrier,
            tracking_number=shipment.tracking_number,
        )
        do_close(turn, reply, "order.delivered", FollowUpRisk.MEDIUM)
        return
    decision = check_reship(turn.pack, order, turn.today)
    if decision.outcome == Outcome.AUTO and turn.state.facts.get(GUESSED):
        # Late enough to reship, but only the model's best guess said the message is about
        # its delivery ("can I still call 1042 off?" reads as status): a person decides.
        decision = Decision(
            "reship",
            Outcome.HAND_OFF,
            "reship.unconfirmed",
            f"{decision.reason}, but the request was only guessed to be about its delivery",
        )
    record_turn_decision(turn, decision, order_number=order.number)
    if decision.outcome == Outcome.AUTO:
        _reship(turn, order, decision)
    elif decision.outcome == Outcome.HAND_OFF:
        do_hand_off(turn, decision)
    else:
        do_close(turn, _where_it_is(turn, order, shipment), "order.tracking", FollowUpRisk.MEDIUM)


def _where_it_is(turn: Turn, order: OrderRecord, shipment: ShipmentRecord) -> Say:
    tracking = {
        "order_number": order.number,
        "carrier": shipment.carrier,
        "tracking_number": shipment.tracking_number,
        "tracking_url": tracking_url(shipment.carrier, shipment.tracking_number),
    }
    promised, today = order.promised_on, turn.today
    # A date already past says nothing about when it will come.
    eta = shipment.eta if shipment.eta is not None and shipment.eta >= today else None
    if promised is None or promised >= today:
        # The carrier's estimate, else the day the shop promised.
        return say("order_status", **tracking, eta=eta or promised or NOT_GIVEN)
    # Late by the calendar (a Saturday's promise is late on Sunday), resent by business days.
    days = turn.pack.reship_after_business_days + 1
    resend_on = first_day_late_by(promised, days, turn.pack.holidays)
    return say("order_running_late", **tracking, promised_on=promised, eta=eta, resend_on=resend_on)


def _reship(turn: Turn, order: OrderRecord, decision: Decision) -> None:
    key = f"ticket-{turn.ticket.id}-reship"
    result = do_store_action(
        turn,
        decision,
        lambda: turn.connector.reship(order.number, idempotency_key=key),
        order_number=order.number,
    )
    if result is None:
        return
    assert order.promised_on is not None
    days = business_days_late(order.promised_on, turn.today, turn.pack.holidays)
    reply = say(
        "reship_notice",
        order_number=order.number,
        days_late=days,
        carrier=result.detail["carrier"],
        tracking_number=result.detail["tracking_number"],
    )
    do_close(turn, reply, decision.rule, FollowUpRisk.MEDIUM, reship=result.ref)
