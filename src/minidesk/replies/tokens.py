"""The personalisation tokens a template may declare, with what each means and a sample value.

Samples are realistic in length: a template is rendered with them when it is saved, so a
body that would not fit an SMS is refused then, not when a customer is waiting.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Token:
    description: str
    sample: str


TOKENS: dict[str, Token] = {
    "customer_name": Token(
        "the customer's first name; unknown, 'Hi {{ customer_name }},' reads 'Hi there,' and "
        "'Thanks, {{ customer_name }}.' 'Thanks.'",
        "Emma",
    ),
    "customer_full_name": Token("the customer's full name", "Emma Garcia"),
    "ticket_number": Token("the ticket's public number", "1042"),
    "agent_name": Token("the replying agent's name", "Alice"),
    "shop_name": Token("the workspace's name", "Threadbare & Co."),
    "order_number": Token("an order number", "123456"),
    "carrier": Token("the shipping carrier", "DHL Express"),
    "tracking_number": Token("the shipment's tracking number", "JD014600006281530000"),
    "tracking_url": Token("a link to track the shipment", "https://track.example/JD0146"),
    "eta": Token(
        "the expected delivery date (may be empty: test it with {% if eta %})", "Thu 12 June"
    ),
    "delivered_on": Token("the date a parcel was delivered", "Mon 9 June"),
    "promised_on": Token("the delivery date the shop promised", "Mon 9 June"),
    "resend_on": Token("from when a late order is resent if still missing", "Tue 17 June"),
    "days_late": Token("business days past the promised date", "6"),
    "amount": Token("an amount of money, formatted", "$24.00"),
    "balance": Token("what is left to refund on an order, formatted", "$12.50"),
    "cancelled_on": Token("the date an order was cancelled", "Tue 3 June"),
    "card_brand": Token("the payment card's brand", "Mastercard"),
    "last4": Token("the payment card's last four digits", "5454"),
    "timeframe": Token("how long something takes", "3-5 business days"),
    "confirm_token": Token("the words that confirm a refund offer (policy pack)", "YES REFUND"),
    "address": Token("a postal address on one line", "12 Harbour Road, Leith EH6 6LB"),
    "return_number": Token("a return authorisation number", "RMA-20931"),
    "return_url": Token("where to print the return label", "https://shop.example/r/20931"),
    "return_window_days": Token("days after delivery a return is accepted", "30"),
    "days_since_delivery": Token("days since the order was delivered", "41"),
    "email": Token("the email on file, partly hidden", "e***@example.com"),
    "invoice_number": Token("an invoice number", "INV-2024-0117"),
    "reason": Token("a short reason in the customer's terms", "it has already shipped"),
    "reset_minutes": Token("minutes a password-reset link stays valid", "30"),
}

# Filled in by ``replies.context_for`` from the ticket itself; anything else the caller
# (an agent's macro, a resolution flow, a rule's ``variables``) must supply.
AUTOMATIC = frozenset(
    {"customer_name", "customer_full_name", "ticket_number", "agent_name", "shop_name"}
)
