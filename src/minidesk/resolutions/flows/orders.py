"""Where is my order / when will it come / it is late: tracking and the ETA in one reply, or a
free reship when more than 5 business days late (never for a delivered order). A cancelled
order is said to be cancelled, never "not shipped yet". An order past its promised day but
not late enough to resend is said to be late, with the day from which a reply gets the
items resent: the customer's next step, and the policy's. A delivered item said to be damaged
is a complaint, not a delivery question: a person takes it; so does one said to be damaged
from an order not delivered yet, a claim the store's facts contradict."""

from __future__ import annotations

from minidesk.commerce.connector import OrderRecord, ShipmentRecord
from minidesk.commerce.tracking import tracking_url
from minidesk.policies.calendar import business_days_late, first_day_late_by, local_date
from minidesk.policies.decisions import Decision, Outcome, check_reship
from minidesk.replies.locale import NOT_GIVEN
from minidesk.resolutions.context import Turn
from minidesk.resolutions.damage import says_damaged_about
from minidesk.resolutions.facts import GUESSED
from minidesk.resolutions.flows.common import (
    do_store_action,
    explain_cancelled,
    own_order,
    record_turn_decision,
)
from minidesk.resolutions.late_words import says_arrived
from minidesk.resolutions.models import FollowUpRisk
from minidesk.resolutions.outcome import Say, do_close, do_hand_off, say


def run(turn: Turn) -> None:
    order = own_order(turn)
    if order is None:
        return
    owned = [each.number for each in turn.customer_orders]
    damaged = says_damaged_about(turn.text, order.number, owned)
    if order.cancelled:
        explain_cancelled(turn, order)
        return
    if order.delivered_at is None and damaged:
        _damaged_undelivered(turn, order)
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
        if damaged:
            _damaged(turn, order)
            return
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
    if decision.outcome == Outcome.AUTO and says_arrived(turn.text):
        # "It finally arrived today, thanks": the customer has it whatever the last scan
        # says, and a second parcel would be sent for nothing.
        decision = Decision(
            "reship",
            Outcome.HAND_OFF,
            "reship.says_arrived",
            f"{decision.reason}, but the customer says it has arrived",
        )
    if decision.outcome == Outcome.AUTO and turn.reship_beside:
        decision = Decision(
            "reship",
            Outcome.HAND_OFF,
            "reship.beside_action",
            f"{decision.reason}, but the same message asks for {turn.reship_beside} on it",
        )
    record_turn_decision(turn, decision, order_number=order.number)
    if decision.outcome == Outcome.AUTO:
        _reship(turn, order, decision)
    elif decision.outcome == Outcome.HAND_OFF:
        do_hand_off(turn, decision)
    else:
        do_close(turn, _where_it_is(turn, order, shipment), "order.tracking", FollowUpRisk.MEDIUM)


def _damaged(turn: Turn, order: OrderRecord) -> None:
    """A delivered item said to be damaged: a complaint, not a delivery question. The policy
    refunds or takes a return only when the customer asks for one (those words start the
    refund or return flow instead); with neither asked, a person chooses the remedy."""
    assert order.delivered_at is not None
    delivered_on = local_date(order.delivered_at, turn.timezone).isoformat()
    decision = Decision(
        "order.read",
        Outcome.HAND_OFF,
        "order.damaged",
        f"order {order.number} was delivered on {delivered_on} and the customer says it "
        "arrived damaged, asking for no refund or return: a person chooses the remedy",
    )
    record_turn_decision(turn, decision, order_number=order.number)
    do_hand_off(turn, decision)


def _damaged_undelivered(turn: Turn, order: OrderRecord) -> None:
    """An item said to have arrived damaged from an order the store has not delivered: the
    claim contradicts the facts, and policy acts on facts, never on what a message claims.
    No reship (it would answer a lateness nobody asked about) and no tracking (it would tell
    the customer their parcel is on its way when they say they hold it): a person checks
    with the customer and the carrier, with the facts in the hand-off."""
    shipment = order.latest_shipment
    if shipment is None or shipment.shipped_at is None:
        facts = "has not shipped"
    else:
        shipped_on = local_date(shipment.shipped_at, turn.timezone).isoformat()
        facts = (
            f"is in transit with {shipment.carrier} (tracking {shipment.tracking_number}, "
            f"shipped {shipped_on}, not delivered)"
        )
    decision = Decision(
        "order.read",
        Outcome.HAND_OFF,
        "order.damaged_undelivered",
        f"order {order.number} {facts}, yet the customer says it arrived damaged: the claim "
        "contradicts the store's facts, so nothing is resent or refunded automatically",
    )
    record_turn_decision(turn, decision, order_number=order.number)
    do_hand_off(turn, decision)


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
