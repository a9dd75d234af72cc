"""A customer's lifetime value from the built-in store: what they paid and kept.

Captured minus refunded over every order of every store account linked to the desk customer
(by an email or phone identity), in one currency; authorised-only and voided payments count
for nothing. Used by the automation condition ``lifetime_value`` (segments such as VIP).
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from minidesk.commerce.connector import PaymentStatus
from minidesk.commerce.linking import store_customers_of
from minidesk.commerce.models import (
    StoreCustomer,
    StoreOrder,
    StorePayment,
    StoreRefund,
)
from minidesk.commerce.registry import connector_for
from minidesk.desk.models import Customer


def builtin_lifetime_value(session: Session, customer_id: int, currency: str) -> int | None:
    """Minor units of ``currency``; None when no store account is linked (unknown, which a
    rule never matches) or another connector is active (it answers for itself)."""
    connector = connector_for(session)
    if connector.name != "builtin":
        return None
    customer = session.get(Customer, customer_id)
    if customer is None:
        return None
    refs = [record.ref for record in store_customers_of(session, connector, customer)]
    if not refs:
        return None
    paid = (
        select(StorePayment.id, StorePayment.captured_minor)
        .join(StoreOrder, StoreOrder.id == StorePayment.order_id)
        .join(StoreCustomer, StoreCustomer.id == StoreOrder.customer_id)
        .where(
            StoreCustomer.ref.in_(refs),
            StorePayment.currency == currency,
            StorePayment.status == PaymentStatus.CAPTURED,
        )
        .subquery()
    )
    captured = session.scalar(select(func.coalesce(func.sum(paid.c.captured_minor), 0)))
    refunded = session.scalar(
        select(func.coalesce(func.sum(StoreRefund.amount_minor), 0)).where(
            StoreRefund.payment_id.in_(select(paid.c.id))
        )
    )
    # PostgreSQL sums integers as bigint/numeric (Decimal in Python): back to int here.
    return int(captured or 0) - int(refunded or 0)
