"""The templates a new workspace starts with, one per resolution flow and hand-off.

They are used as they are until an admin saves a template with the same key, which then
takes precedence (``store.get_spec``). Bodies keep to the GSM-7 alphabet (straight quotes,
no dashes beyond '-') so the SMS versions cost one or two segments, not three or four.
"""

from __future__ import annotations

from minidesk.replies.spec import DEFAULT_CHANNEL, Body, TemplateSpec, tokens_in

SIGN_OFF = "\n\n{{ agent_name }}"


def _template(
    key: str,
    name: str,
    subject: str,
    body: str,
    cta: str,
    *,
    sms: tuple[str, str] | None = None,
) -> TemplateSpec:
    channels = {DEFAULT_CHANNEL: Body(body=body + SIGN_OFF, cta=cta, subject=subject)}
    if sms is not None:
        channels["sms"] = Body(body=sms[0], cta=sms[1])
    used: set[str] = set()
    for channel in channels.values():
        for source in channel.sources().values():
            used |= tokens_in(source)
    used.discard("cta")
    return TemplateSpec(key=key, name=name, tokens=tuple(sorted(used)), variants={"A": channels})


TEMPLATES = [
    _template(
        "order_status",
        "Order status and tracking",
        "Order #{{ order_number }} — Shipment Update",
        "Hi {{ customer_name }},\n\nYour order #{{ order_number }} is on its way with "
        "{{ carrier }}, tracking number {{ tracking_number }}. It should arrive by {{ eta }}."
        "\n\n{{ cta }}",
        "Follow it here: {{ tracking_url }}",
        sms=(
            "Order #{{ order_number }} is with {{ carrier }} ({{ tracking_number }}), "
            "arriving {{ eta }}. {{ cta }}",
            "Track: {{ tracking_url }}",
        ),
    ),
    _template(
        "order_running_late",
        "Order running late (not late enough to resend yet)",
        "Order #{{ order_number }} — Running late",
        "Hi {{ customer_name }},\n\nSorry, your order #{{ order_number }} was due on "
        "{{ promised_on }} and has not arrived yet. It is on its way with {{ carrier }}, "
        "tracking number {{ tracking_number }}. {% if eta %}The carrier now expects it on "
        "{{ eta }}.{% else %}The carrier has not given a new delivery date yet.{% endif %}"
        " Follow it here: {{ tracking_url }}\n\n{{ cta }}",
        "If it is still not with you on {{ resend_on }}, reply here and we will send the same "
        "items again at no charge.",
        sms=(
            "Order #{{ order_number }} was due {{ promised_on }} and is running late; it is with "
            "{{ carrier }} ({{ tracking_number }}). {{ cta }}",
            "Not there by {{ resend_on }}? Reply and we will resend it free.",
        ),
    ),
    _template(
        "order_not_shipped",
        "Order not shipped yet",
        "Order #{{ order_number }} — Not shipped yet",
        "Hi {{ customer_name }},\n\nYour order #{{ order_number }} has not shipped yet.\n\n"
        "{{ cta }}",
        "We will send you the tracking number as soon as it leaves our warehouse.",
    ),
    _template(
        "order_delivered",
        "Order already delivered",
        "Order #{{ order_number }} — Delivered",
        "Hi {{ customer_name }},\n\nYour order #{{ order_number }} was delivered on "
        "{{ delivered_on }} by {{ carrier }} (tracking number {{ tracking_number }}).\n\n"
        "{{ cta }}",
        "If you cannot find it, reply here and a person will look into it.",
    ),
    _template(
        "order_cancelled",
        "Order already cancelled",
        "Order #{{ order_number }} — Cancelled",
        "Hi {{ customer_name }},\n\nOrder #{{ order_number }} was cancelled on "
        "{{ cancelled_on }}, so it will not ship and nothing more can change on it."
        "\n\n{{ cta }}",
        "Any payment taken went back to the card you paid with; reply here if you cannot see "
        "it within 10 business days.",
    ),
    _template(
        "greeting_reply",
        "A greeting alone: what can we do?",
        "How can we help?",
        "Hi {{ customer_name }},\n\nthanks for getting in touch. What can we do for you?"
        "\n\n{{ cta }}",
        "Reply with your question, and the order number if it is about an order.",
    ),
    _template(
        "ask_order",
        "Which order?",
        "Which order is this about?",
        "Hi {{ customer_name }},\n\nWhich order is this about?\n\n{{ cta }}",
        "Reply with the order number (for example 1001).",
    ),
    _template(
        "order_unknown",
        "Order not found on the customer's account",
        "Order #{{ order_number }} — Please check the number",
        "Hi {{ customer_name }},\n\nWe could not find order #{{ order_number }} on your "
        "account.\n\n{{ cta }}",
        "Please check the number and reply with it.",
    ),
    _template(
        "reship_notice",
        "Late order reshipped",
        "Order #{{ order_number }} — We are sending a replacement",
        "Hi {{ customer_name }},\n\nYour order #{{ order_number }} is {{ days_late }} business "
        "days late, so we are sending the same items again to the same address, at no charge: "
        "{{ carrier }}, tracking number {{ tracking_number }}.\n\n{{ cta }}",
        "There is nothing you need to do; if the first parcel turns up, just reply here.",
    ),
    _template(
        "refund_offer",
        "Refund offer (needs the customer's confirmation)",
        "Order #{{ order_number }} — Refund offer",
        "Hi {{ customer_name }},\n\nWe can refund {{ amount }} for order #{{ order_number }} "
        "to the card you paid with.\n\n{{ cta }}",
        "Reply {{ confirm_token }} to confirm {{ amount }} to your {{ card_brand }} ending "
        "{{ last4 }}.",
    ),
    _template(
        "refund_done",
        "Refund made",
        "Order #{{ order_number }} — Refund on its way",
        "Hi {{ customer_name }},\n\nWe have refunded {{ amount }} for order #{{ order_number }} "
        "to your {{ card_brand }} ending {{ last4 }}. Banks take {{ timeframe }} to show it."
        "\n\n{{ cta }}",
        "If it has not arrived by then, reply to this message and we will chase it.",
    ),
    _template(
        "refund_review",
        "Refund needs a review by the team",
        "Order #{{ order_number }} — Refund under review",
        "Hi {{ customer_name }},\n\nA refund of {{ amount }} for order #{{ order_number }} "
        "needs a quick review by our team.\n\n{{ cta }}",
        "You do not need to do anything; we will tell you the outcome here.",
    ),
    _template(
        "refund_over_balance",
        "Refund asked is more than is left to refund",
        "Order #{{ order_number }} — About your refund",
        "Hi {{ customer_name }},\n\nWe cannot refund {{ amount }} for order "
        "#{{ order_number }}: only {{ balance }} of what was paid is left to refund.\n\n"
        "{{ cta }}",
        "Reply with an amount up to {{ balance }}, or ask for a person to review it.",
    ),
    _template(
        "refund_nothing_left",
        "Nothing left to refund",
        "Order #{{ order_number }} — About your refund",
        "Hi {{ customer_name }},\n\nOrder #{{ order_number }} has already been refunded in "
        "full ({{ amount }} to the card you paid with), so there is nothing left to refund."
        "\n\n{{ cta }}",
        "Banks take up to 10 business days to show a refund; reply here if it is not there "
        "by then.",
    ),
    _template(
        "refund_not_charged",
        "Nothing to refund: the payment was never taken",
        "Order #{{ order_number }} — About your refund",
        "Hi {{ customer_name }},\n\nThe payment for order #{{ order_number }} was only "
        "authorised on your card, never taken, so there is nothing to refund.\n\n{{ cta }}",
        "If you no longer want the order, write to us to cancel it and the hold is released.",
    ),
    _template(
        "cancel_done",
        "Order cancelled and refunded",
        "Order #{{ order_number }} — Cancelled",
        "Hi {{ customer_name }},\n\nYour order #{{ order_number }} is cancelled, and "
        "{{ amount }} is on its way back to your {{ card_brand }} ending {{ last4 }}; banks "
        "take {{ timeframe }} to show it.\n\n{{ cta }}",
        "Reply here if you would like help choosing something else.",
    ),
    _template(
        "cancel_voided",
        "Order cancelled before payment was taken",
        "Order #{{ order_number }} — Cancelled",
        "Hi {{ customer_name }},\n\nYour order #{{ order_number }} is cancelled. Your "
        "{{ card_brand }} ending {{ last4 }} was only authorised, so no charge will appear."
        "\n\n{{ cta }}",
        "Reply here if you would like help choosing something else.",
    ),
    _template(
        "cancel_not_possible",
        "Order cannot be cancelled",
        "Order #{{ order_number }} — Cancellation not possible",
        "Hi {{ customer_name }},\n\nWe could not cancel order #{{ order_number }}: it has "
        "already shipped. You can return it within {{ return_window_days }} days of delivery."
        "\n\n{{ cta }}",
        "Reply to this message once it has arrived and we will set up the return.",
    ),
    _template(
        "ask_address",
        "Which new delivery address?",
        "Order #{{ order_number }} — New delivery address",
        "Hi {{ customer_name }},\n\nOrder #{{ order_number }} has not shipped, so its "
        "address can still change.\n\n{{ cta }}",
        "Reply with the full new address (street, city, postcode, country).",
    ),
    _template(
        "address_changed",
        "Delivery address changed",
        "Order #{{ order_number }} — New delivery address",
        "Hi {{ customer_name }},\n\nOrder #{{ order_number }} will now go to: {{ address }}."
        "\n\n{{ cta }}",
        "If anything in that address is wrong, reply before it ships and we will fix it.",
    ),
    _template(
        "address_not_possible",
        "Delivery address cannot change (shipped)",
        "Order #{{ order_number }} — Already shipped",
        "Hi {{ customer_name }},\n\nOrder #{{ order_number }} has already shipped with "
        "{{ carrier }}, so its address can no longer change.\n\n{{ cta }}",
        "Follow it with tracking number {{ tracking_number }}.",
    ),
    _template(
        "return_authorised",
        "Return authorised",
        "Order #{{ order_number }} — Return {{ return_number }} approved",
        "Hi {{ customer_name }},\n\nYour return {{ return_number }} for order "
        "#{{ order_number }} is approved. We refund once the items arrive.\n\n{{ cta }}",
        "Write {{ return_number }} on the parcel and send the items back to us.",
    ),
    _template(
        "return_outside_window",
        "Return outside the window",
        "Order #{{ order_number }} — About your return",
        "Hi {{ customer_name }},\n\nOrder #{{ order_number }} was delivered "
        "{{ days_since_delivery }} days ago, and returns are accepted within "
        "{{ return_window_days }} days of delivery.\n\n{{ cta }}",
        "Reply here if you would like a person to review it.",
    ),
    _template(
        "return_not_delivered",
        "Return not possible yet: the order is on its way",
        "Order #{{ order_number }} — Not delivered yet",
        "Hi {{ customer_name }},\n\nOrder #{{ order_number }} has not been delivered yet: "
        "it is with {{ carrier }}, tracking number {{ tracking_number }}, due {{ eta }}. Once "
        "it arrives you can return it within {{ return_window_days }} days.\n\n{{ cta }}",
        "Reply here after it arrives and we will set up the return.",
    ),
    _template(
        "return_not_shipped",
        "Return not possible: the order has not shipped",
        "Order #{{ order_number }} — Not shipped yet",
        "Hi {{ customer_name }},\n\nOrder #{{ order_number }} has not shipped yet, so there "
        "is nothing to send back: it can still be cancelled instead.\n\n{{ cta }}",
        'To cancel it, send us a new message saying "cancel order {{ order_number }}".',
    ),
    _template(
        "password_reset_sent",
        "Password reset link sent",
        "Your password reset link",
        "Hi {{ customer_name }},\n\nWe have sent a password reset link to {{ email }}, the "
        "address on your account.\n\n{{ cta }}",
        "Open it from that inbox to choose a new password.",
    ),
    _template(
        "invoice_sent",
        "Invoice copy sent",
        "Order #{{ order_number }} — Invoice copy",
        "Hi {{ customer_name }},\n\nWe have emailed a copy of the invoice for order "
        "#{{ order_number }} to {{ email }}, the address on your account.\n\n{{ cta }}",
        "Reply here if you need it addressed differently.",
    ),
    _template(
        "handoff",
        "Hand-off to a person",
        "Ticket #{{ ticket_number }} — A person will follow up",
        "Thanks, {{ customer_name }}. A person from our team will follow up on this "
        "(ticket #{{ ticket_number }}).\n\n{{ cta }}",
        "You do not need to do anything else; reply here if you want to add details.",
    ),
    _template(
        "approval_granted",
        "Approval outcome: approved",
        "Order #{{ order_number }} — Refund approved",
        "Hi {{ customer_name }},\n\nYour refund of {{ amount }} for order #{{ order_number }} "
        "has been approved and is on its way to your {{ card_brand }} ending {{ last4 }}."
        "\n\n{{ cta }}",
        "Expect it within {{ timeframe }}; reply here if it has not arrived by then.",
    ),
    _template(
        "approval_declined",
        "Approval outcome: declined",
        "Order #{{ order_number }} — About your request",
        "Hi {{ customer_name }},\n\nWe have looked at your request for order "
        "#{{ order_number }} and cannot approve it: {{ reason }}.\n\n{{ cta }}",
        "Reply to this message if you would like to talk it through with a person.",
    ),
]

PENDING_REMINDER = TemplateSpec(
    key="pending_reminder",
    name="Reminder: waiting for the customer",
    tokens=("agent_name", "customer_name", "ticket_number"),
    variants={
        "A": {
            DEFAULT_CHANNEL: Body(
                subject="Ticket #{{ ticket_number }} — Still need help?",
                body="Hi {{ customer_name }}, we are still waiting for your reply about ticket "
                "#{{ ticket_number }}.\n\n{{ cta }}" + SIGN_OFF,
                cta="Just reply to this message and we will pick it up.",
            )
        },
        "B": {
            DEFAULT_CHANNEL: Body(
                subject="Ticket #{{ ticket_number }} — Shall we close this?",
                body="Hi {{ customer_name }}, is everything sorted with ticket "
                "#{{ ticket_number }}?\n\n{{ cta }}" + SIGN_OFF,
                cta="Reply with a quick yes or no so we know whether to keep it open.",
            )
        },
    },
)

DEFAULTS: dict[str, TemplateSpec] = {t.key: t for t in [*TEMPLATES, PENDING_REMINDER]}
