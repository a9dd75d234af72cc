"""The answer to a refund offer: the token in the very next message moves the money, to the
order and the card the offer named; anything else hands off (POLICIES.md, Refunds)."""

from __future__ import annotations

from sqlalchemy import select

from minidesk.commerce.connector import OrderRecord
from minidesk.commerce.money import Money
from minidesk.desk.models import Direction, Message
from minidesk.policies.decisions import Decision, Outcome, check_auto_refund, check_refund
from minidesk.policies.ledger import do_record_refund, do_settle
from minidesk.policies.models import LedgerSource, SpendEntry
from minidesk.resolutions.answers import confirms, new_text
from minidesk.resolutions.caps import auto_refunded, offer_entry
from minidesk.resolutions.context import Turn
from minidesk.resolutions.elsewhere import asks_elsewhere
from minidesk.resolutions.flows.common import do_store_action, record_turn_decision
from minidesk.resolutions.flows.refund import REFUND_TIMEFRAME
from minidesk.resolutions.models import FollowUpRisk
from minidesk.resolutions.outcome import card, do_close, do_hand_off, say


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
    if others := sorted(set(turn.order_numbers) - {str(offer["order"])}):
        # "YES REFUND - but for order 1038, that's the one I meant": the token, for an order
        # the offer did not name (held-out set 10 refunded the offered one).
        do_hand_off(
            turn,
            Decision(
                "refund",
                Outcome.HAND_OFF,
                "refund.other_order",
                f"the confirmation names order {', '.join(others)}, not the offer's "
                f"{offer['order']}",
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
