"""Refund: offer within the automatic limit, move money only on the token in the very next
message; bigger amounts go to an agent or a senior manager, never moved by the bot."""

from __future__ import annotations

import re

from sqlalchemy import select

from minidesk.commerce.connector import OrderRecord
from minidesk.commerce.money import Money
from minidesk.desk.models import Direction, Message
from minidesk.policies.decisions import Decision, Outcome, check_auto_refund, check_refund
from minidesk.policies.ledger import do_record_offer, do_record_refund, do_settle
from minidesk.policies.models import ApprovalKind, LedgerSource, SpendEntry
from minidesk.replies.locale import BusinessDays
from minidesk.resolutions.answers import confirms, new_text
from minidesk.resolutions.caps import auto_refunded, offer_entry
from minidesk.resolutions.context import Turn
from minidesk.resolutions.elsewhere import asks_elsewhere
from minidesk.resolutions.flows.common import (
    do_store_action,
    explain_cancelled,
    own_order,
    record_turn_decision,
)
from minidesk.resolutions.items import items_named
from minidesk.resolutions.models import FollowUpRisk, Step
from minidesk.resolutions.outcome import card, do_ask, do_close, do_escalate, do_hand_off, say

# What card issuers take to show a refund; said so the customer does not chase it on day two.
REFUND_TIMEFRAME = BusinessDays(5, 10)  # in the reply's language


def run(turn: Turn) -> None:
    order = own_order(turn)
    if order is None:
        return
    if order.cancelled:
        explain_cancelled(turn, order)
        return
    named = {(int(a["amount_minor"]), str(a["currency"])) for a in turn.amounts}
    if len(named) > 1:
        # "charged $35 instead of $20", "$20 for the lamp and $15 for the chair": which sum
        # is asked back takes a reading a person does better than a guess that moves money.
        unclear = Decision("refund", Outcome.HAND_OFF, "refund.amounts_unclear",
                           f"the message names {len(named)} different amounts")  # fmt: skip
        record_turn_decision(turn, unclear, order_number=order.number)
        do_hand_off(turn, unclear)
        return
    requested = requested_amount(turn, order)
    elsewhere = asks_elsewhere(turn.text, order.payment)
    already = auto_refunded(
        turn.session, turn.pack, customer_ref=order.customer_ref, order_number=order.number
    )
    decision = check_auto_refund(turn.pack, order.payment, requested, already, elsewhere=elsewhere)
    record_turn_decision(
        turn,
        decision,
        order_number=order.number,
        requested=requested.as_dict() if requested else None,
    )
    amount = decision.amount
    if decision.outcome == Outcome.AUTO and amount is not None and order.payment is not None:
        turn.state.offer = {**amount.as_dict(), "order": order.number, "card": order.payment.label}
        do_record_offer(
            turn.session,
            amount,
            ticket_id=turn.ticket.id,
            message_id=turn.message.id,  # becomes the flow's asked_after_message_id
            order_number=order.number,
            customer_ref=order.customer_ref,
        )
        reply = say(
            "refund_offer",
            amount=amount,
            order_number=order.number,
            confirm_token=turn.pack.confirm_token,
            **card(order.payment),
        )
        do_ask(turn, reply, Step.AWAITING_TOKEN, offered_at_turn=turn.ticket.turns)
    elif decision.outcome == Outcome.AGENT and amount is not None:
        reply = say("refund_review", amount=amount, order_number=order.number)
        do_hand_off(turn, decision, tags=("refund-review",), team="Billing", reply=reply)
    elif decision.outcome == Outcome.APPROVAL and amount is not None:
        reply = say("refund_review", amount=amount, order_number=order.number)
        do_escalate(
            turn,
            decision,
            ApprovalKind.REFUND,
            tags=("approval-pending",),
            reply=reply,
            order_number=order.number,
        )
    elif decision.outcome == Outcome.DENY:
        _explain(turn, order, decision)
    else:
        do_hand_off(turn, decision)


# A refund word then, within two words, a sum written with its cents and no currency
# ("refund 50.01", "reembolso de 12,50"): money, where a bare whole number may be a count.
CENTS_ASKED = re.compile(
    r"\b(?:refund|reimburs|reembols|rembours|erstatt|estorn)\w*(?:\s+\S+){0,2}?\s+"
    r"(?P<sum>\d{1,3}[.,]\d{2})(?![\d.,]*\d)",
    re.IGNORECASE,
)


def requested_amount(turn: Turn, order: OrderRecord) -> Money | None:
    """What the customer asks back: the one amount they name; else, when they name some of the
    order's items and not all, those items' price ("refund just the stacking toy": a refund
    of an item is that item's, POLICIES.md); else None, the order's whole balance."""
    if turn.amounts:
        first = turn.amounts[0]
        return Money(int(first["amount_minor"]), str(first["currency"]))
    if cents := CENTS_ASKED.search(turn.text):
        # A sum in cents with no currency, in the order's currency ("pls refund 50.01"):
        # read as the balance, $50.01 was handed off as $64.98 (held-out set 8).
        whole, cents_part = re.split(r"[.,]", cents.group("sum"))
        return Money(int(whole) * 100 + int(cents_part), order.currency)
    named = items_named(turn.text, order.items)
    if not named or len(named) == len(order.items):
        return None
    if any("unit_price_minor" not in item for item in named):
        return None  # a price the store did not give: the balance, checked as a whole
    price = sum(int(item["unit_price_minor"]) * int(item.get("quantity", 1)) for item in named)
    return Money(price, order.currency)


def _explain(turn: Turn, order: OrderRecord, decision: Decision) -> None:
    """Why no refund, in one reply with what the customer can do instead."""
    payment = order.payment
    if decision.rule == "refund.over_balance" and decision.amount and decision.limit:
        reply = say(
            "refund_over_balance",
            order_number=order.number,
            amount=decision.amount,
            balance=decision.limit,
        )
    elif decision.rule == "refund.nothing_left" and payment is not None:
        reply = say("refund_nothing_left", order_number=order.number, amount=payment.refunded)
    else:  # refund.nothing_captured: only authorised, never taken
        reply = say("refund_not_charged", order_number=order.number)
    do_ask(turn, reply, Step.EXPLAINED)


def _is_next_message(turn: Turn) -> bool:
    """True when no other customer message came between the offer and this one."""
    after = turn.state.asked_after_message_id or 0
    between = turn.session.scalars(
        select(Message.id)
        .where(
            Message.ticket_id == turn.ticket.id,
            Message.direction == Direction.INBOUND,
            Message.id > after,
            Message.id < turn.message.id,
        )
        .limit(1)
    ).first()
    return between is None


def bot_question(turn: Turn) -> str:
    """The text of the bot's message the customer is answering (its offer)."""
    asked = turn.session.scalars(
        select(Message.text)
        .where(
            Message.ticket_id == turn.ticket.id,
            Message.direction == Direction.OUTBOUND,
            Message.id > (turn.state.asked_after_message_id or 0),
        )
        .order_by(Message.id)
        .limit(1)
    ).first()
    return asked or ""


def _check_again(
    turn: Turn, order: OrderRecord | None, amount: Money, entry: SpendEntry | None
) -> Decision:
    """The offer's checks once more, as the money is about to move: the balance may have
    changed since, and the totals now hold what other tickets refunded meanwhile."""
    if order is None:
        return check_refund(turn.pack, None, amount)
    already = auto_refunded(
        turn.session,
        turn.pack,
        customer_ref=order.customer_ref,
        order_number=order.number,
        excluding=entry,
    )
    return check_auto_refund(turn.pack, order.payment, amount, already)


def confirm(turn: Turn) -> None:
    """The customer's answer to an offer: the token moves the money, anything else hands off.

    The token counts in the body's new text only: never in the subject, the quoted offer or
    a refusal ("no thanks, I don't want a refund"); see ``answers.confirms``.
    """
    offer = turn.state.offer
    amount = Money(int(offer["amount_minor"]), str(offer["currency"]))
    offered = bot_question(turn)
    said = confirms(turn.message.text, turn.pack.confirm_token, echoed=offered)
    if not said or not _is_next_message(turn):
        do_hand_off(
            turn,
            Decision(
                "refund",
                Outcome.HAND_OFF,
                "refund.no_token",
                "the reply to the offer was not the confirmation",
                amount,
            ),
        )
        return
    order = turn.connector.get_order(str(offer["order"]))
    payment = order.payment if order else None
    if asks_elsewhere(new_text(turn.message.text, echoed=offered), payment):
        # "YES REFUND, but put it on my Mastercard": the token, and a request to send the
        # money somewhere the offer did not name.
        do_hand_off(
            turn,
            Decision(
                "refund",
                Outcome.HAND_OFF,
                "refund.original_method_only",
                "the confirmation asks for the money elsewhere than the order's payment method",
                amount,
            ),
        )
        return
    entry = offer_entry(turn.session, turn.ticket.id, turn.state.asked_after_message_id)
    decision = _check_again(turn, order, amount, entry)
    if (
        order is None
        or payment is None
        or decision.outcome != Outcome.AUTO
        or payment.label != offer["card"]
    ):
        record_turn_decision(turn, decision, order_number=str(offer["order"]))
        do_hand_off(
            turn,
            Decision(
                "refund",
                Outcome.HAND_OFF,
                "refund.changed",
                f"the order changed since the offer: {decision.reason}",
                amount,
            ),
        )
        return
    confirmed = Decision(
        "refund",
        Outcome.AUTO,
        decision.rule,
        f"{decision.reason}; confirmed with {turn.pack.confirm_token}",
        amount,
        decision.limit,
    )
    record_turn_decision(turn, confirmed, order_number=order.number)
    # Keyed by the offer, so a repeated confirmation replays the one refund.
    key = f"ticket-{turn.ticket.id}-offer-{turn.state.asked_after_message_id}"
    refunded = do_store_action(
        turn,
        confirmed,
        lambda: turn.connector.refund(
            order.number, amount, idempotency_key=key, reason=confirmed.rule
        ),
        order_number=order.number,
    )
    if refunded is None:
        return
    if entry is not None:
        do_settle(turn.session, entry, refunded.ref)
    elif not refunded.replayed:  # an offer made before the ledger kept offers
        do_record_refund(
            turn.session,
            LedgerSource.BOT,
            amount,
            order_number=order.number,
            customer_ref=order.customer_ref,
            refund_ref=refunded.ref,
            ticket_id=turn.ticket.id,
        )
    reply = say(
        "refund_done",
        amount=amount,
        order_number=order.number,
        timeframe=REFUND_TIMEFRAME,
        **card(payment),
    )
    do_close(turn, reply, confirmed.rule, FollowUpRisk.LOW, refunded=amount.as_dict())
