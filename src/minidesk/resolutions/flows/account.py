"""Password reset link (only by email from the address on file) and invoice copies (sent to
the email on file)."""

from __future__ import annotations

from minidesk.policies.decisions import Decision, Outcome, check_password_reset
from minidesk.resolutions.context import Turn
from minidesk.resolutions.flows.common import do_store_action, own_order, record_turn_decision
from minidesk.resolutions.models import FollowUpRisk
from minidesk.resolutions.outcome import do_close, do_hand_off, say


def mask_email(email: str) -> str:
    """'emma.garcia@example.com' → 'e***@example.com': enough to recognise, not to harvest."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "your email on file"


def password_reset(turn: Turn) -> None:
    on_file = turn.customer.email if turn.customer else None
    decision = check_password_reset(turn.channel, turn.sender_email, on_file)
    if not turn.verified:
        decision = Decision(
            "password_reset", Outcome.HAND_OFF, "identity.unverified", "the sender is not verified"
        )
    record_turn_decision(turn, decision)
    if decision.outcome != Outcome.AUTO or turn.customer is None or on_file is None:
        do_hand_off(turn, decision)
        return
    ref, key = turn.customer.ref, f"ticket-{turn.ticket.id}-password"
    sent = do_store_action(
        turn, decision, lambda: turn.connector.send_password_reset(ref, idempotency_key=key)
    )
    if sent is None:
        return
    reply = say("password_reset_sent", email=mask_email(on_file))
    do_close(turn, reply, decision.rule, FollowUpRisk.LOW)


def invoice(turn: Turn) -> None:
    order = own_order(turn)
    if order is None or turn.customer is None:
        return
    decision = Decision(
        "invoice",
        Outcome.AUTO,
        "invoice.email_on_file",
        "an invoice copy goes to the email on file",
    )
    record_turn_decision(turn, decision, order_number=order.number)
    if not turn.customer.email:
        do_hand_off(
            turn, Decision("invoice", Outcome.HAND_OFF, "invoice.no_email", "no email on file")
        )
        return
    key = f"ticket-{turn.ticket.id}-invoice-{order.number}"
    sent = do_store_action(
        turn,
        decision,
        lambda: turn.connector.resend_invoice(order.number, idempotency_key=key),
        order_number=order.number,
    )
    if sent is None:
        return
    reply = say("invoice_sent", order_number=order.number, email=mask_email(turn.customer.email))
    do_close(turn, reply, decision.rule, FollowUpRisk.LOW)
