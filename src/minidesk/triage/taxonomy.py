"""minidesk's intent taxonomy and how Bitext's 27 intents map onto it.

The default model is trained directly on minidesk names, so the rest of the desk (rules,
resolution flows, reports) only ever sees these constants. Intents Bitext lacks (``return``,
``order_late``: a delivery past its promised date) are taught by ``seed_examples.jsonl``.
"""

from __future__ import annotations

ORDER_STATUS = "order_status"
CANCEL_ORDER = "cancel_order"
CHANGE_ORDER = "change_order"
PLACE_ORDER = "place_order"
REFUND = "refund"
REFUND_STATUS = "refund_status"
REFUND_POLICY = "refund_policy"
RETURN = "return"
ADDRESS_CHANGE = "address_change"
ADDRESS_SETUP = "address_setup"
DELIVERY_TIME = "delivery_time"
DELIVERY_OPTIONS = "delivery_options"
ORDER_LATE = "order_late"
INVOICE = "invoice"
PAYMENT_PROBLEM = "payment_problem"
PAYMENT_METHODS = "payment_methods"
PASSWORD_RESET = "password_reset"
ACCOUNT_CREATE = "account_create"
ACCOUNT_DELETE = "account_delete"
ACCOUNT_EDIT = "account_edit"
ACCOUNT_SWITCH = "account_switch"
REGISTRATION_PROBLEM = "registration_problem"
CANCELLATION_FEE = "cancellation_fee"
CONTACT_SUPPORT = "contact_support"
HUMAN_PLEASE = "human_please"
COMPLAINT = "complaint"
FEEDBACK = "feedback"
NEWSLETTER = "newsletter"

BITEXT_TO_MINIDESK: dict[str, str] = {
    "track_order": ORDER_STATUS,
    "cancel_order": CANCEL_ORDER,
    "change_order": CHANGE_ORDER,
    "place_order": PLACE_ORDER,
    "get_refund": REFUND,
    "track_refund": REFUND_STATUS,
    "check_refund_policy": REFUND_POLICY,
    "change_shipping_address": ADDRESS_CHANGE,
    "set_up_shipping_address": ADDRESS_SETUP,
    "delivery_period": DELIVERY_TIME,
    "delivery_options": DELIVERY_OPTIONS,
    # Asking to see an invoice and asking for a copy lead to the same action (send a copy).
    "check_invoice": INVOICE,
    "get_invoice": INVOICE,
    "payment_issue": PAYMENT_PROBLEM,
    "check_payment_methods": PAYMENT_METHODS,
    "recover_password": PASSWORD_RESET,
    "create_account": ACCOUNT_CREATE,
    "delete_account": ACCOUNT_DELETE,
    "edit_account": ACCOUNT_EDIT,
    "switch_account": ACCOUNT_SWITCH,
    "registration_problems": REGISTRATION_PROBLEM,
    "check_cancellation_fee": CANCELLATION_FEE,
    "contact_customer_service": CONTACT_SUPPORT,
    "contact_human_agent": HUMAN_PLEASE,
    "complaint": COMPLAINT,
    "review": FEEDBACK,
    "newsletter_subscription": NEWSLETTER,
}

# Intents that are questions rather than problems: lowest priority unless the customer is upset.
INFORMATIONAL = frozenset({
    PLACE_ORDER, REFUND_POLICY, DELIVERY_OPTIONS, PAYMENT_METHODS, ACCOUNT_CREATE,
    ACCOUNT_SWITCH, CANCELLATION_FEE, FEEDBACK, NEWSLETTER, ADDRESS_SETUP,
})
# Intents where waiting costs the customer money or makes the fix impossible (an order that
# ships before the cancel is read can no longer be cancelled).
TIME_SENSITIVE = frozenset({CANCEL_ORDER, ADDRESS_CHANGE, CHANGE_ORDER, PAYMENT_PROBLEM})
