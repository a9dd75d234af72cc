"""The ticket page's order panel: the customer's orders from the commerce connector (items,
totals, paid and refunded, tracking with the carrier's link), lifetime value, the approval
requests raised on the ticket, and what each agent tool form needs (a fresh idempotency key
per form as rendered, the identity checklist)."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.commerce.connector import ActionKind, CommerceError, OrderRecord
from minidesk.commerce.lifetime import builtin_lifetime_value
from minidesk.commerce.linking import store_customers_of
from minidesk.commerce.money import Money, format_minor, format_money
from minidesk.commerce.registry import connector_for
from minidesk.commerce.tracking import tracking_url
from minidesk.desk.models import Direction, Message, Ticket
from minidesk.policies.agent_actions import IDENTITY_CHECKS, SENSITIVE
from minidesk.policies.models import Approval
from minidesk.policies.pack import get_pack
from minidesk.resolutions.models import ResolutionState

ORDERS_SHOWN = 10  # the newest; the customer page lists every one
ACTION_LABELS = {
    ActionKind.REFUND: "Refund",
    ActionKind.CANCEL: "Cancel order",
    ActionKind.RESHIP: "Reship",
    ActionKind.CHANGE_ADDRESS: "Change address",
    ActionKind.RETURN_AUTHORISATION: "Return authorisation",
    ActionKind.INVOICE: "Resend invoice",
}


@dataclass(frozen=True)
class OrderView:
    order: OrderRecord
    paid: Money
    refunded: Money
    refundable: Money
    actions: tuple[ActionKind, ...]


def new_form_key() -> str:
    """An idempotency key for one rendered form: posting it twice acts once."""
    return "ui-" + secrets.token_urlsafe(16)


def order_panel(session: Session, ticket: Ticket) -> dict[str, Any]:
    connector = connector_for(session)
    try:
        accounts = store_customers_of(session, connector, ticket.customer)
        orders = [o for account in accounts for o in connector.list_orders(account.ref)]
        unavailable = None
    except CommerceError as exc:  # the shop's back office is down: the ticket still opens
        accounts, orders, unavailable = [], [], exc.reason
    orders.sort(key=lambda o: (o.placed_at, o.number), reverse=True)
    currency = get_pack(session).currency
    lifetime = builtin_lifetime_value(session, ticket.customer_id, currency) if accounts else None
    approvals = session.scalars(
        select(Approval).where(Approval.ticket_id == ticket.id).order_by(Approval.id.desc())
    ).all()
    views = [_view(o) for o in orders[:ORDERS_SHOWN]]
    about = about_order(session, ticket, views)
    if about is not None:  # first, where the agent looks
        views = [about, *(v for v in views if v is not about)]
    return {
        "orders": views,
        "about_order": about,
        "more_orders": max(0, len(orders) - ORDERS_SHOWN),
        "store_accounts": accounts,
        "store_unavailable": unavailable,
        "lifetime_value": format_minor(lifetime, currency) if lifetime is not None else None,
        "approvals": approvals,
        "action_labels": ACTION_LABELS,
        "identity_checks": IDENTITY_CHECKS,
        "sensitive": SENSITIVE,
        "form_key": new_form_key,
        "money": format_money,
        "minor": format_minor,
        "tracking_url": tracking_url,
    }


def _view(order: OrderRecord) -> OrderView:
    payment = order.payment
    zero = Money(0, order.currency)
    paid = payment.captured if payment else zero
    refunded = payment.refunded if payment else zero
    refundable = payment.refundable if payment else zero
    # Offer what could apply; the policy pack still decides when the form is posted.
    actions: list[ActionKind] = []
    if refundable.amount_minor > 0:
        actions.append(ActionKind.REFUND)
    if not order.cancelled and not order.shipped:
        actions += [ActionKind.CANCEL, ActionKind.CHANGE_ADDRESS]
    if order.shipped and order.delivered_at is None:
        actions.append(ActionKind.RESHIP)
    if order.delivered_at is not None:
        actions.append(ActionKind.RETURN_AUTHORISATION)
    actions.append(ActionKind.INVOICE)
    return OrderView(order, paid, refunded, refundable, tuple(actions))


def about_order(session: Session, ticket: Ticket, orders: list[OrderView]) -> OrderView | None:
    """The order this ticket is about: the bot's, else the first of the customer's order
    numbers the customer wrote, else the newest."""
    if not orders:
        return None
    by_number = {view.order.number: view for view in orders}
    state = session.get(ResolutionState, ticket.id)
    if state is not None and state.order_number in by_number:
        return by_number[state.order_number]
    said = session.scalars(
        select(Message.text)
        .where(Message.ticket_id == ticket.id, Message.direction == Direction.INBOUND)
        .order_by(Message.id)
        .limit(20)
    )
    for text in said:
        for word in re.findall(r"\d{3,}", text):
            if word in by_number:
                return by_number[word]
    return orders[0]
