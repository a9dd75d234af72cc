"""The built-in store's reads, remembered for the rest of the transaction (``minidesk.memo``).

A turn reads an order to check whose it is and again to act on it, and an order costs six
queries (the row and its eager loads); a dispatch batch looks up a customer and an order per
message. ``prefetch`` reads a whole batch's in one go, the look-ups then find theirs here.
Every change the store makes to an order calls ``forget``, so it is read back afresh.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from minidesk import memo
from minidesk.commerce.connector import CustomerRecord
from minidesk.commerce.models import StoreCustomer, StoreOrder, StorePayment, StoreShipment
from minidesk.commerce.records import customer_record

# Memo names: order number → row (or None); customer ref → its orders' rows, newest first;
# "email:…" / "phone:…" → the customer found by it (or None).
_ORDERS = "commerce.store.orders"
_LISTS = "commerce.store.lists"
_CUSTOMERS = "commerce.store.customers"


def orders_query() -> Any:
    """Orders with everything ``order_record`` reads, loaded eagerly."""
    return select(StoreOrder).options(
        selectinload(StoreOrder.customer),
        selectinload(StoreOrder.payments).selectinload(StorePayment.refunds),
        selectinload(StoreOrder.shipments).selectinload(StoreShipment.events),
    )


def _memo(session: Session, name: str) -> dict[str, Any]:
    if session.get_transaction() is None:
        # A memo belongs to a transaction; begin it now (a miss queries right after anyway)
        # so what this first look-up reads is remembered too.
        session.connection()
    found: dict[str, Any] = memo.get(session, name, dict)
    return found


def order(session: Session, number: str) -> StoreOrder | None:
    number = number.lstrip("#")
    found = _memo(session, _ORDERS)
    if number not in found:
        found[number] = session.scalars(orders_query().where(StoreOrder.number == number)).first()
    row: StoreOrder | None = found[number]
    return row


def customer_orders(session: Session, customer_ref: str) -> list[StoreOrder]:
    lists = _memo(session, _LISTS)
    if customer_ref not in lists:
        rows = list(
            session.scalars(
                orders_query()
                .join(StoreCustomer, StoreCustomer.id == StoreOrder.customer_id)
                .where(StoreCustomer.ref == customer_ref)
                .order_by(StoreOrder.placed_at.desc(), StoreOrder.id.desc())
            )
        )
        lists[customer_ref] = rows
        _memo(session, _ORDERS).update((row.number, row) for row in rows)  # asked for next
    found: list[StoreOrder] = lists[customer_ref]
    return found


def _looked_up(kind: str, value: str) -> str:
    """How the store matches a value: emails case-insensitively (stored lower-case)."""
    return value.strip().lower() if kind == "email" else value


def customer(session: Session, *, email: str | None, phone: str | None) -> CustomerRecord | None:
    """The first store customer (by id) with ``email``, else with ``phone``."""
    kind, value = ("email", email) if email else ("phone", phone)
    if not value:
        return None
    value = _looked_up(kind, value)
    found = _memo(session, _CUSTOMERS)
    key = f"{kind}:{value}"
    if key not in found:
        column = StoreCustomer.email if kind == "email" else StoreCustomer.phone
        query = select(StoreCustomer).where(column == value).order_by(StoreCustomer.id).limit(1)
        row = session.scalars(query).first()
        found[key] = customer_record(row) if row else None
    record: CustomerRecord | None = found[key]
    return record


def _prefetch_customers(session: Session, kind: str, values: Collection[str]) -> None:
    found = _memo(session, _CUSTOMERS)
    wanted = {_looked_up(kind, v) for v in values if v} - {
        key.partition(":")[2] for key in found if key.startswith(f"{kind}:")
    }
    if not wanted:
        return
    column = StoreCustomer.email if kind == "email" else StoreCustomer.phone
    rows = session.scalars(
        select(StoreCustomer).where(column.in_(wanted)).order_by(StoreCustomer.id.desc())
    )
    # Newest first, so the one left for a value is its first by id (as ``customer`` picks).
    by_value = {getattr(row, kind): row for row in rows}
    for value in wanted:
        row = by_value.get(value)
        found[f"{kind}:{value}"] = customer_record(row) if row else None


def prefetch(
    session: Session,
    *,
    emails: Collection[str] = (),
    phones: Collection[str] = (),
    order_numbers: Collection[str] = (),
) -> None:
    """Look up many customers and orders at once (a dispatch batch's senders and the orders
    they mention); what is already remembered is not read again."""
    _prefetch_customers(session, "email", emails)
    _prefetch_customers(session, "phone", phones)
    orders = _memo(session, _ORDERS)
    numbers = {number.lstrip("#") for number in order_numbers} - set(orders)
    if numbers:
        rows = session.scalars(orders_query().where(StoreOrder.number.in_(numbers))).all()
        orders.update(dict.fromkeys(numbers))
        orders.update((row.number, row) for row in rows)


def forget(session: Session, order_number: str) -> None:
    """After the store changed an order: its remembered row's collections no longer tell the
    whole story (a refund row is added by payment id, not to ``payment.refunds``). Other
    orders and the customers stay remembered: a change to one order touches no other."""
    memos = memo.peek(session)
    if memos is not None:
        memos.get(_ORDERS, {}).pop(order_number, None)
        memos.pop(_LISTS, None)
