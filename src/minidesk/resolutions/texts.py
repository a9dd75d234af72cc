"""Every message the resolution flows send, in one place, keyed by flow step.

Each has one call to action at most. Amounts arrive formatted from minor units ("$24.00"),
cards as "Visa ending 4242". When the replies engine can render keyed templates, these move
there unchanged.
"""

from __future__ import annotations

from typing import Any

from minidesk.commerce.money import Money, format_money

TEMPLATES: dict[str, str] = {
    "ask_order": "Which order is this about? Reply with the order number (for example 1001).",
    "order_unknown": "I couldn't find order {order} on your account. Please check the number "
    "and reply with it.",
    "tracking": "Order {order} is on its way with {carrier}, tracking number {tracking}; "
    "expected delivery {eta}. You can follow it on {carrier}'s website with that number.",
    "not_shipped": "Order {order} hasn't shipped yet. We'll email you the tracking number as "
    "soon as it leaves our warehouse.",
    "delivered": "Order {order} was delivered on {date} by {carrier} (tracking {tracking}). "
    "If you can't find it, reply here and a person will look into it.",
    "reshipped": "Order {order} is {days} business days late, so we've sent a free "
    "replacement with the same items to the same address: {carrier}, tracking {tracking}. "
    "There's nothing you need to do.",
    "refund_offer": "I can refund {amount} for order {order}. Reply {token} to confirm "
    "{amount} to your {card}.",
    "refund_done": "Done: {amount} is on its way back to your {card} for order {order}. Banks "
    "usually show it within 5-10 business days.",
    "refund_over_balance": "Order {order} has {balance} left to refund, so I can't refund "
    "{amount}. Reply here if you'd like a person to review it.",
    "refund_nothing": "There's nothing to refund on order {order}: {reason}. Reply here if "
    "you'd like a person to review it.",
    "refund_review": "Thanks. A refund of {amount} for order {order} needs a quick review by "
    "our team; we'll let you know the outcome here.",
    "cancelled_void": "Order {order} is cancelled. Your {card} was only authorised, so no "
    "charge will appear.",
    "cancelled_refund": "Order {order} is cancelled, and {amount} is on its way back to your "
    "{card}.",
    "cancel_shipped": "Order {order} has already shipped, so it can't be cancelled. Once it "
    "arrives you can return it within {window} days; just write to us then.",
    "ask_address": "Order {order} hasn't shipped, so its address can still change. Reply with "
    "the full new address (street, city, postcode, country).",
    "address_changed": "Done: order {order} will now ship to {address}.",
    "address_shipped": "Order {order} has already shipped, so its address can't change. You "
    "can follow it with {carrier}, tracking number {tracking}.",
    "return_issued": "Your return authorisation for order {order} is {code}. Write it on the "
    "parcel and send the items back to us; we'll refund once they arrive.",
    "return_outside": "Order {order} was delivered {days} days ago and returns are accepted "
    "within {window} days of delivery. Reply here if you'd like a person to review it.",
    "password_sent": "We've sent a password reset link to {email}. Open it from that inbox to "
    "choose a new password.",
    "invoice_sent": "We've sent a copy of the invoice for order {order} to {email}.",
    "handoff": "Thanks, I've passed this to our team with the details so far. A person will "
    "follow up here shortly.",
    "approval_approved": "Good news: your refund of {amount} for order {order} was approved "
    "and is on its way to your {card}.",
    "approval_declined": "We've reviewed your refund request for order {order} and can't "
    "approve it: {reason}. Reply here if you have any questions.",
}


def render(step: str, **values: Any) -> str:
    """The text for ``step``; ``Money`` values are formatted, the rest inserted as they are."""
    shown = {k: format_money(v) if isinstance(v, Money) else v for k, v in values.items()}
    return TEMPLATES[step].format(**shown)


def mask_email(email: str) -> str:
    """'emma.garcia@example.com' → 'e***@example.com': enough to recognise, not to harvest."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "your email on file"
