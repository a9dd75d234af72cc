"""CSV import into the built-in store: customers, orders, payments, shipments.

Each kind is keyed by its natural key (customer ``ref``, order ``number``; payments and
shipments by order number and tracking number), so importing the same file twice changes
nothing. Money columns are integer minor units; times are ISO 8601 (UTC when no offset).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import IO

from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.commerce.models import StoreCustomer, StoreOrder, StorePayment, StoreShipment

COLUMNS = {
    "customers": ("ref", "email", "phone", "name"),
    "orders": (
        "number",
        "customer_ref",
        "currency",
        "total_minor",
        "placed_at",
        "promised_on",
        "address",
        "items",
    ),
    "payments": (
        "order_number",
        "method",
        "last4",
        "status",
        "amount_minor",
        "captured_minor",
        "currency",
    ),
    "shipments": (
        "order_number",
        "carrier",
        "tracking_number",
        "status",
        "shipped_at",
        "eta",
        "delivered_at",
    ),
}


class ImportKind(StrEnum):
    CUSTOMERS = "customers"
    ORDERS = "orders"
    PAYMENTS = "payments"
    SHIPMENTS = "shipments"


class CsvImportError(ValueError):
    pass


def import_csv(session: Session, kind: ImportKind, file: IO[str]) -> int:
    """Import one CSV file of ``kind`` (header row required); returns rows written."""
    reader = csv.DictReader(file)
    missing = [c for c in COLUMNS[kind] if c not in (reader.fieldnames or [])]
    if missing:
        raise CsvImportError(f"{kind}.csv lacks columns: {', '.join(missing)}")
    return import_rows(session, kind, reader)


def import_rows(session: Session, kind: ImportKind, rows: Iterable[Mapping[str, str]]) -> int:
    handler = {
        ImportKind.CUSTOMERS: _customer,
        ImportKind.ORDERS: _order,
        ImportKind.PAYMENTS: _payment,
        ImportKind.SHIPMENTS: _shipment,
    }[kind]
    count = 0
    for line, row in enumerate(rows, start=2):
        try:
            count += handler(session, row)
        except (KeyError, ValueError) as exc:
            raise CsvImportError(f"{kind}.csv line {line}: {exc}") from exc
    session.flush()
    return count


def _time(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    parsed = dt.datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _customer(session: Session, row: Mapping[str, str]) -> int:
    found = session.scalars(select(StoreCustomer).where(StoreCustomer.ref == row["ref"])).first()
    customer = found or StoreCustomer(ref=row["ref"])
    customer.email = (row.get("email") or "").strip().lower() or None
    customer.phone = (row.get("phone") or "").strip() or None
    customer.name = row.get("name") or ""
    session.add(customer)
    session.flush()
    return 1


def _order_by_number(session: Session, number: str) -> StoreOrder:
    order = session.scalars(select(StoreOrder).where(StoreOrder.number == number)).first()
    if order is None:
        raise ValueError(f"no order {number}; import orders first")
    return order


def _order(session: Session, row: Mapping[str, str]) -> int:
    customer = session.scalars(
        select(StoreCustomer).where(StoreCustomer.ref == row["customer_ref"])
    ).first()
    if customer is None:
        raise ValueError(f"no customer {row['customer_ref']}; import customers first")
    found = session.scalars(select(StoreOrder).where(StoreOrder.number == row["number"])).first()
    order = found or StoreOrder(number=row["number"])
    order.customer_id = customer.id
    order.currency = row["currency"].upper()
    order.total_minor = int(row["total_minor"])
    order.placed_at = _time(row["placed_at"]) or order.placed_at
    order.promised_on = _date(row.get("promised_on"))
    order.shipping_address = {"lines": [p.strip() for p in row["address"].split(",") if p.strip()]}
    order.items = [
        {"name": name.strip(), "quantity": int(qty)}
        for name, _, qty in (part.rpartition(" x ") for part in row["items"].split(";"))
        if name.strip()
    ]
    session.add(order)
    session.flush()
    return 1


def _payment(session: Session, row: Mapping[str, str]) -> int:
    order = _order_by_number(session, row["order_number"])
    payment = order.payments[0] if order.payments else StorePayment(order_id=order.id)
    payment.method, payment.last4 = row["method"], row.get("last4") or ""
    payment.status = row["status"]
    payment.currency = row["currency"].upper()
    payment.amount_minor = int(row["amount_minor"])
    payment.captured_minor = int(row.get("captured_minor") or 0)
    session.add(payment)
    session.flush()
    return 1


def _shipment(session: Session, row: Mapping[str, str]) -> int:
    order = _order_by_number(session, row["order_number"])
    found = session.scalars(
        select(StoreShipment).where(
            StoreShipment.order_id == order.id,
            StoreShipment.tracking_number == row["tracking_number"],
        )
    ).first()
    shipment = found or StoreShipment(order_id=order.id, tracking_number=row["tracking_number"])
    shipment.carrier, shipment.status = row["carrier"], row["status"]
    shipment.shipped_at = _time(row.get("shipped_at"))
    shipment.eta = _date(row.get("eta"))
    shipment.delivered_at = _time(row.get("delivered_at"))
    session.add(shipment)
    session.flush()
    return 1
