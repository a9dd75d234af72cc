"""Policy decisions as pure functions of facts and the pack: ``check_*`` never changes state.

Each returns a ``Decision`` naming the rule that decided, so the event recording it explains
itself ("refund.auto_max: $25.00 is within the $50.00 automatic limit").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from minidesk.commerce.connector import OrderRecord, OrderStatus, PaymentRecord, PaymentStatus
from minidesk.commerce.money import Money, format_money
from minidesk.policies.calendar import business_days_late
from minidesk.policies.pack import PolicyPack, RolePolicy
from minidesk.triage.flags import HEALTH_SAFETY, HUMAN_PLEASE, LEGAL


class Outcome(StrEnum):
    AUTO = "auto"  # pre-authorised: the bot (or this agent) may do it now
    AGENT = "agent"  # needs an agent with the permission
    APPROVAL = "approval"  # needs a manager's approval; nothing happens until then
    DENY = "deny"  # not allowed: explain the policy
    HAND_OFF = "hand_off"  # stop automating; a person takes over
    ESCALATE = "escalate"  # a senior manager, immediately


@dataclass(frozen=True)
class Decision:
    action: str
    outcome: Outcome
    rule: str
    reason: str
    amount: Money | None = None
    limit: Money | None = None

    @property
    def allowed(self) -> bool:
        return self.outcome == Outcome.AUTO

    def as_data(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "outcome": str(self.outcome),
            "rule": self.rule,
            "reason": self.reason,
            "amount": self.amount.as_dict() if self.amount else None,
            "limit": self.limit.as_dict() if self.limit else None,
        }


def check_overrides(flags: frozenset[str] | set[str]) -> Decision | None:
    """Words that override everything, strongest first."""
    if LEGAL in flags:
        return Decision(
            "any",
            Outcome.ESCALATE,
            "words.legal",
            "legal words: no automatic action; a senior manager decides",
        )
    if HEALTH_SAFETY in flags:
        return Decision(
            "any",
            Outcome.HAND_OFF,
            "words.health_safety",
            "health or safety: P1 product-quality incident",
        )
    if HUMAN_PLEASE in flags:
        return Decision(
            "any", Outcome.HAND_OFF, "words.human_please", "the customer asked for a person"
        )
    return None


def check_order_access(
    verified: bool, customer_ref: str | None, order: OrderRecord | None
) -> Decision:
    if not verified or customer_ref is None:
        return Decision(
            "order.read",
            Outcome.HAND_OFF,
            "identity.unverified",
            "sender is not a verified customer: no order details",
        )
    if order is None or order.customer_ref != customer_ref:
        return Decision(
            "order.read",
            Outcome.DENY,
            "order.not_yours",
            "the order is not this customer's (or does not exist)",
        )
    return Decision("order.read", Outcome.AUTO, "order.own", "the customer's own order")


def check_continuation(
    asked: Mapping[str, Any] | None,
    *,
    verified: bool,
    customer_ref: str | None,
    email: str | None,
    phone: str | None,
) -> Decision:
    """Whether this sender may answer the question the bot put to ``asked`` (the verified
    customer it spoke to: store ``customer_ref`` and the ``email``/``phone`` that proved it).

    Anyone can write on a ticket (a forged From: with the ticket number in the subject, a
    stranger's chat): only the same store customer, proved by the same identity on a channel
    that verified it, continues a flow that moves money or changes an order.
    """
    if not verified or customer_ref is None:
        why = "the answer did not come from a verified customer"
    elif asked is None or asked.get("customer_ref") != customer_ref:
        why = "the answer came from another customer than the one the bot asked"
    elif not (
        (email is not None and email == asked.get("email"))
        or (phone is not None and phone == asked.get("phone"))
    ):
        why = "the answer came from another identity than the one the bot asked"
    else:
        return Decision(
            "continue", Outcome.AUTO, "continuation.same_customer", "the customer the bot asked"
        )
    return Decision("continue", Outcome.HAND_OFF, "continuation.sender_mismatch", why)


def check_refund(
    pack: PolicyPack,
    payment: PaymentRecord | None,
    requested: Money | None,
    *,
    elsewhere: bool = False,
) -> Decision:
    """Which route a refund of ``requested`` (None: the whole balance) takes."""
    if payment is None or payment.status != PaymentStatus.CAPTURED:
        return Decision(
            "refund",
            Outcome.DENY,
            "refund.nothing_captured",
            "the payment is not captured: nothing to refund",
        )
    balance = payment.refundable
    if elsewhere:
        return Decision(
            "refund",
            Outcome.HAND_OFF,
            "refund.original_method_only",
            "refunds go only to the original payment method",
            requested,
            balance,
        )
    amount = requested or balance
    if amount.currency != balance.currency or balance.currency != pack.currency:
        return Decision(
            "refund",
            Outcome.HAND_OFF,
            "refund.currency",
            f"{amount.currency} asked on a {balance.currency} payment",
            amount,
        )
    if amount.amount_minor <= 0 or balance.amount_minor <= 0:
        return Decision(
            "refund",
            Outcome.DENY,
            "refund.nothing_left",
            "nothing is left to refund on this payment",
            amount,
            balance,
        )
    if amount > balance:
        return Decision(
            "refund",
            Outcome.DENY,
            "refund.over_balance",
            f"{format_money(amount)} is more than the {format_money(balance)} refundable",
            amount,
            balance,
        )
    auto_max = Money(pack.auto_refund_max_minor, pack.currency)
    if amount <= auto_max:
        return Decision(
            "refund",
            Outcome.AUTO,
            "refund.auto_max",
            f"{format_money(amount)} is within the {format_money(auto_max)} automatic limit",
            amount,
            auto_max,
        )
    agent_max = Money(pack.agent_refund_max_minor, pack.currency)
    if amount <= agent_max:
        return Decision(
            "refund",
            Outcome.AGENT,
            "refund.agent_range",
            f"{format_money(amount)} needs an agent with refund permission",
            amount,
            agent_max,
        )
    return Decision(
        "refund",
        Outcome.APPROVAL,
        "refund.senior_approval",
        f"{format_money(amount)} is above {format_money(agent_max)}: a senior manager approves",
        amount,
        agent_max,
    )


@dataclass(frozen=True)
class AutoRefunded:
    """What the bot already gave back automatically, refunded or offered and still waiting
    for the token: on the order in question, and to its customer within the pack's window."""

    order: Money
    customer: Money


def check_auto_refund(
    pack: PolicyPack,
    payment: PaymentRecord | None,
    requested: Money | None,
    already: AutoRefunded,
    *,
    elsewhere: bool = False,
) -> Decision:
    """``check_refund`` for the bot: the single-refund limit, then the cumulative totals.

    Hitting a total exactly is allowed, a cent over is not; over it the refund is an agent's,
    as an amount above the automatic limit would be.
    """
    base = check_refund(pack, payment, requested, elsewhere=elsewhere)
    if base.outcome != Outcome.AUTO or base.amount is None:
        return base
    amount = base.amount
    window = f"to this customer in {pack.auto_refund_customer_window_days} days"
    for total, cap, rule, where in (
        (already.order, pack.auto_refund_order_total_max, "refund.order_cap", "on this order"),
        (already.customer, pack.auto_refund_customer_total_max, "refund.customer_cap", window),
    ):
        if total + amount > cap:
            return Decision(
                "refund",
                Outcome.AGENT,
                rule,
                f"{format_money(total)} already refunded or offered automatically {where}; "
                f"{format_money(amount)} more exceeds the {format_money(cap)} automatic total",
                amount,
                cap,
            )
    return base


def check_agent_refund(
    pack: PolicyPack,
    limits: RolePolicy,
    payment: PaymentRecord | None,
    amount: Money,
    spent_today: Money,
) -> Decision:
    """An agent's own refund: the store's rules first, then permission, cap and day budget."""
    base = check_refund(pack, payment, amount)
    if base.outcome in (Outcome.DENY, Outcome.HAND_OFF):
        return base
    if not limits.may_refund:
        return Decision(
            "refund", Outcome.DENY, "permission.refund", "this agent may not refund", amount
        )
    if base.outcome == Outcome.APPROVAL:
        return base
    cap = Money(limits.cap_minor, pack.currency)
    if amount > cap:
        return Decision(
            "refund",
            Outcome.APPROVAL,
            "agent.cap",
            f"{format_money(amount)} is over this agent's {format_money(cap)} cap",
            amount,
            cap,
        )
    budget = Money(limits.daily_budget_minor, pack.currency)
    if spent_today + amount > budget:
        return Decision(
            "refund",
            Outcome.APPROVAL,
            "agent.daily_budget",
            f"{format_money(spent_today)} already refunded today; "
            f"{format_money(amount)} more exceeds the {format_money(budget)} budget",
            amount,
            budget,
        )
    return Decision(
        "refund",
        Outcome.AUTO,
        "agent.within_limits",
        f"{format_money(amount)} within this agent's cap and daily budget",
        amount,
        cap,
    )


def check_reship(pack: PolicyPack, order: OrderRecord, today: dt.date) -> Decision:
    if order.delivered_at is not None:
        return Decision(
            "reship", Outcome.DENY, "reship.delivered", "a delivered order is never reshipped"
        )
    if not order.shipped or order.promised_on is None:
        return Decision(
            "reship",
            Outcome.HAND_OFF,
            "reship.not_shipped",
            "the order has not shipped or has no promised date",
        )
    if order.reshipped:
        return Decision(
            "reship",
            Outcome.HAND_OFF,
            "reship.already_reshipped",
            "a replacement is already on its way",
        )
    late = business_days_late(order.promised_on, today, pack.holidays)
    if late > pack.reship_after_business_days:
        return Decision(
            "reship",
            Outcome.AUTO,
            "reship.late",
            f"{late} business days late (more than {pack.reship_after_business_days})",
        )
    return Decision(
        "reship",
        Outcome.DENY,
        "reship.not_late_enough",
        f"{late} business days late: tracking and ETA only",
    )


def check_cancel(order: OrderRecord) -> Decision:
    if order.status == OrderStatus.CANCELLED:
        return Decision("cancel", Outcome.DENY, "cancel.already", "already cancelled")
    if order.shipped:
        return Decision(
            "cancel", Outcome.DENY, "cancel.shipped", "shipped orders are returned, not cancelled"
        )
    return Decision("cancel", Outcome.AUTO, "cancel.not_shipped", "not shipped yet")


def check_address_change(order: OrderRecord) -> Decision:
    if order.status == OrderStatus.CANCELLED:
        return Decision("change_address", Outcome.DENY, "address.cancelled", "order cancelled")
    if order.shipped:
        return Decision("change_address", Outcome.DENY, "address.shipped", "the order has shipped")
    return Decision("change_address", Outcome.AUTO, "address.not_shipped", "not shipped yet")


def check_return(
    pack: PolicyPack, order: OrderRecord, delivered_on: dt.date | None, today: dt.date
) -> Decision:
    if delivered_on is None:
        return Decision(
            "return", Outcome.HAND_OFF, "return.not_delivered", "the order has not been delivered"
        )
    days = (today - delivered_on).days
    if days <= pack.return_window_days:
        return Decision(
            "return",
            Outcome.AUTO,
            "return.window",
            f"day {days} after delivery (window {pack.return_window_days})",
        )
    return Decision(
        "return",
        Outcome.DENY,
        "return.outside_window",
        f"day {days} after delivery is outside the {pack.return_window_days}-day window",
    )


def check_password_reset(
    channel: str, sender_email: str | None, email_on_file: str | None
) -> Decision:
    same = bool(
        sender_email
        and email_on_file
        and sender_email.strip().lower() == email_on_file.strip().lower()
    )
    if channel == "email" and same:
        return Decision(
            "password_reset",
            Outcome.AUTO,
            "password.email_on_file",
            "asked by email from the address on file",
        )
    return Decision(
        "password_reset",
        Outcome.HAND_OFF,
        "password.identity",
        "a reset link goes only to a request by email from the address on file",
    )
