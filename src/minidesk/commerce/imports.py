"""Import into the built-in store: customers, orders with their items and prices, payments,
past refunds, cancellations and shipments (the format is in ``docs/store-import.md``).

Each kind is keyed by its natural key (customer ``ref``, order ``number``, refund ``ref``;
payments by order, shipments by order and tracking number), so importing the same files twice
changes nothing. Money is integer minor units; times are ISO 8601 (UTC when no offset); phones
become E.164 as every sender's do, so an SMS from "+1 555 010 0000" finds the customer
exported as "(555) 010-0000".

A bad row raises ``ImportRowError`` naming the file, line and column; callers import in one
transaction, so nothing of a failed import is kept.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.commerce.connector import OrderStatus, PaymentStatus, ShipmentStatus
from minidesk.commerce.models import (
    StoreCustomer,
    StoreOrder,
    StorePayment,
    StoreRefund,
    StoreShipment,
)
from minidesk.desk.phones import to_e164


class ImportKind(StrEnum):
    """The kinds in the order they must be imported (each refers to the ones before)."""

    CUSTOMERS = "customers"
    ORDERS = "orders"
    PAYMENTS = "payments"
    REFUNDS = "refunds"
    SHIPMENTS = "shipments"
    CANCELLATIONS = "cancellations"


# Required columns, then optional ones.
COLUMNS: dict[ImportKind, tuple[tuple[str, ...], tuple[str, ...]]] = {
    ImportKind.CUSTOMERS: (("ref",), ("email", "phone", "name")),
    ImportKind.ORDERS: (
        ("number", "customer_ref", "currency", "total_minor", "placed_at"),
        ("promised_on", "address", "items"),
    ),
    ImportKind.PAYMENTS: (
        ("order_number", "method", "status", "amount_minor", "currency"),
        ("last4", "captured_minor"),
    ),
    ImportKind.REFUNDS: (
        ("ref", "order_number", "amount_minor", "currency"),
        ("created_at", "reason"),
    ),
    ImportKind.SHIPMENTS: (
        ("order_number", "carrier", "tracking_number", "status"),
        ("shipped_at", "eta", "delivered_at"),
    ),
    ImportKind.CANCELLATIONS: (("order_number",), ("cancelled_at",)),
}


class ImportRowError(ValueError):
    """A row (or a file's header) that cannot be imported; ``line`` 1 is the header."""

    def __init__(self, kind: str, line: int, column: str | None, message: str) -> None:
        where = f"{kind}.csv line {line}" + (f", column {column}" if column else "")
        super().__init__(f"{where}: {message}")
        self.kind, self.line, self.column, self.message = kind, line, column, message

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": f"{self.kind}.csv",
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }


# The old name, for callers that catch it.
CsvImportError = ImportRowError


class _Bad(ValueError):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column


@dataclass
class _Row:
    """One row's cells, read through typed getters that name the column on failure."""

    cells: Mapping[str, Any]

    def text(self, column: str, *, required: bool = True) -> str:
        value = str(self.cells.get(column) or "").strip()
        if required and not value:
            raise _Bad(column, "is empty")
        return value

    def minor(self, column: str, *, required: bool = True) -> int:
        value = self.text(column, required=required)
        if not value:
            return 0
        try:
            amount = int(value)
        except ValueError:
            raise _Bad(column, f"{value!r} is not a whole number of minor units") from None
        if amount < 0:
            raise _Bad(column, f"{amount} is negative")
        return amount

    def currency(self, column: str = "currency") -> str:
        value = self.text(column).upper()
        if len(value) != 3 or not value.isalpha():
            raise _Bad(column, f"{value!r} is not a three-letter ISO currency")
        return value

    def time(self, column: str, *, required: bool = False) -> dt.datetime | None:
        value = self.text(column, required=required)
        if not value:
            return None
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            raise _Bad(column, f"{value!r} is not an ISO 8601 time") from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)

    def date(self, column: str) -> dt.date | None:
        value = self.text(column, required=False)
        if not value:
            return None
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            raise _Bad(column, f"{value!r} is not an ISO 8601 date") from None

    def choice(self, column: str, allowed: type[StrEnum]) -> str:
        value = self.text(column).lower()
        names = [str(member) for member in allowed]
        if value not in names:
            raise _Bad(column, f"{value!r} is not one of {', '.join(names)}")
        return value


def import_csv(session: Session, kind: ImportKind, file: IO[str]) -> int:
    """Import one CSV file of ``kind`` (header row required); returns rows written."""
    reader = csv.DictReader(file)
    required, _ = COLUMNS[kind]
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        raise ImportRowError(kind, 1, missing[0], f"missing required columns: {', '.join(missing)}")
    return import_rows(session, kind, reader)


def import_rows(
    session: Session, kind: ImportKind, rows: Iterable[Mapping[str, Any]], *, first_line: int = 2
) -> int:
    """Import ``rows`` of ``kind``; a bad one raises ``ImportRowError`` counting lines from
    ``first_line`` (2 in a CSV file, after its header)."""
    handler = HANDLERS[kind]
    count = 0
    for line, cells in enumerate(rows, start=first_line):
        try:
            handler(session, _Row(cells))
        except _Bad as exc:
            raise ImportRowError(kind, line, exc.column, str(exc)) from exc
        count += 1
    session.flush()
    return count


def _customer(session: Session, row: _Row) -> None:
    ref = row.text("ref")
    found = session.scalars(select(StoreCustomer).where(StoreCustomer.ref == ref)).first()
    customer = found or StoreCustomer(ref=ref)
    customer.email = row.text("email", required=False).lower() or None
    phone = row.text("phone", required=False)
    customer.phone = (to_e164(phone) or None) if phone else None
    if phone and not customer.phone:
        raise _Bad("phone", f"{phone!r} holds no phone number")
    customer.name = row.text("name", required=False)
    session.add(customer)
    session.flush()


def _order_by_number(session: Session, row: _Row) -> StoreOrder:
    number = row.text("order_number")
    order = session.scalars(select(StoreOrder).where(StoreOrder.number == number)).first()
    if order is None:
        raise _Bad("order_number", f"no order {number} (in orders.csv or the store)")
    return order


def _items(value: str) -> list[dict[str, Any]]:
    """'Bonsai kit x 1 @ 2499; Stacking toy x 2' → items with quantity and unit price."""
    items: list[dict[str, Any]] = []
    for part in value.split(";"):
        if not part.strip():
            continue
        described, _, price = part.partition("@")
        name, _, quantity = described.rpartition(" x ")
        if not name.strip():
            name, quantity = described, "1"
        try:
            item: dict[str, Any] = {"name": name.strip(), "quantity": int(quantity)}
            if price.strip():
                item["unit_price_minor"] = int(price)
        except ValueError:
            raise _Bad("items", f"{part.strip()!r} is not 'name x quantity @ price'") from None
        items.append(item)
    return items


def _order(session: Session, row: _Row) -> None:
    ref = row.text("customer_ref")
    customer = session.scalars(select(StoreCustomer).where(StoreCustomer.ref == ref)).first()
    if customer is None:
        raise _Bad("customer_ref", f"no customer {ref} (in customers.csv or the store)")
    number = row.text("number").lstrip("#")
    found = session.scalars(select(StoreOrder).where(StoreOrder.number == number)).first()
    order = found or StoreOrder(number=number)
    order.customer_id = customer.id
    order.currency = row.currency()
    order.total_minor = row.minor("total_minor")
    order.placed_at = row.time("placed_at", required=True) or order.placed_at
    order.promised_on = row.date("promised_on")
    address = row.text("address", required=False)
    order.shipping_address = {"lines": [p.strip() for p in address.split(",") if p.strip()]}
    order.items = _items(row.text("items", required=False))
    session.add(order)
    session.flush()


def _payment(session: Session, row: _Row) -> None:
    order = _order_by_number(session, row)
    payment = order.payments[0] if order.payments else StorePayment(order_id=order.id)
    payment.method = row.text("method")
    payment.last4 = row.text("last4", required=False)[-4:]
    payment.status = row.choice("status", PaymentStatus)
    payment.currency = row.currency()
    payment.amount_minor = row.minor("amount_minor")
    payment.captured_minor = row.minor("captured_minor", required=False)
    if payment.captured_minor > payment.amount_minor:
        raise _Bad("captured_minor", "is more than amount_minor")
    session.add(payment)
    session.flush()


def _refund(session: Session, row: _Row) -> None:
    ref = row.text("ref")
    order = _order_by_number(session, row)
    if not order.payments:
        raise _Bad("order_number", f"order {order.number} has no payment; import payments first")
    payment = order.payments[0]
    currency = row.currency()
    if currency != payment.currency:
        raise _Bad("currency", f"{currency} refund on a {payment.currency} payment")
    found = session.scalars(select(StoreRefund).where(StoreRefund.ref == ref)).first()
    refund = found or StoreRefund(ref=ref, payment_id=payment.id)
    refund.amount_minor = row.minor("amount_minor")
    refund.currency = currency
    refund.reason = row.text("reason", required=False)[:500]
    refund.created_at = row.time("created_at") or refund.created_at or dt.datetime.now(dt.UTC)
    session.add(refund)
    session.flush()
    session.expire(payment, ["refunds"])
    refunded = sum(r.amount_minor for r in payment.refunds)
    if refunded > payment.captured_minor:
        raise _Bad(
            "amount_minor",
            f"refunds on order {order.number} would total {refunded}, "
            f"more than the {payment.captured_minor} captured",
        )


def _shipment(session: Session, row: _Row) -> None:
    order = _order_by_number(session, row)
    tracking = row.text("tracking_number")
    found = session.scalars(
        select(StoreShipment).where(
            StoreShipment.order_id == order.id, StoreShipment.tracking_number == tracking
        )
    ).first()
    shipment = found or StoreShipment(order_id=order.id, tracking_number=tracking)
    shipment.carrier = row.text("carrier")
    shipment.status = row.choice("status", ShipmentStatus)
    shipment.shipped_at = row.time("shipped_at")
    shipment.eta = row.date("eta")
    shipment.delivered_at = row.time("delivered_at")
    session.add(shipment)
    session.flush()


def _cancellation(session: Session, row: _Row) -> None:
    order = _order_by_number(session, row)
    order.status = OrderStatus.CANCELLED
    order.cancelled_at = row.time("cancelled_at") or order.cancelled_at or order.placed_at
    session.flush()


HANDLERS: dict[ImportKind, Callable[[Session, _Row], None]] = {
    ImportKind.CUSTOMERS: _customer,
    ImportKind.ORDERS: _order,
    ImportKind.PAYMENTS: _payment,
    ImportKind.REFUNDS: _refund,
    ImportKind.SHIPMENTS: _shipment,
    ImportKind.CANCELLATIONS: _cancellation,
}
