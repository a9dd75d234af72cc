"""Tables of the built-in store: customers, orders, payments, refunds, shipments, tracking,
and an operations ledger that makes every changing call idempotent."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from minidesk.db import Base, utcnow


class StoreCustomer(Base):
    __tablename__ = "store_customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str | None] = mapped_column(String(320), index=True)
    phone: Mapped[str | None] = mapped_column(String(32), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")


class StoreOrder(Base):
    __tablename__ = "store_orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("store_customers.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="open")
    cancelled_at: Mapped[dt.datetime | None]
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    total_minor: Mapped[int]
    placed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    promised_on: Mapped[dt.date | None] = mapped_column(Date)
    shipping_address: Mapped[dict[str, Any]] = mapped_column(default=dict)
    items: Mapped[list[Any]] = mapped_column(default=list)

    customer: Mapped[StoreCustomer] = relationship()
    payments: Mapped[list[StorePayment]] = relationship(order_by="StorePayment.id")
    shipments: Mapped[list[StoreShipment]] = relationship(order_by="StoreShipment.id")


class StorePayment(Base):
    __tablename__ = "store_payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("store_orders.id"), index=True)
    method: Mapped[str] = mapped_column(String(32))
    last4: Mapped[str] = mapped_column(String(4), default="")
    status: Mapped[str] = mapped_column(String(16))
    currency: Mapped[str] = mapped_column(String(3))
    amount_minor: Mapped[int]
    captured_minor: Mapped[int] = mapped_column(default=0)

    refunds: Mapped[list[StoreRefund]] = relationship(order_by="StoreRefund.id")


class StoreRefund(Base):
    __tablename__ = "store_refunds"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The shop's own id for a refund made before the import (its natural key on re-import);
    # None for refunds minidesk made.
    ref: Mapped[str | None] = mapped_column(String(64), unique=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("store_payments.id"), index=True)
    amount_minor: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class StoreShipment(Base):
    __tablename__ = "store_shipments"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("store_orders.id"), index=True)
    carrier: Mapped[str] = mapped_column(String(32), default="")
    tracking_number: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[str] = mapped_column(String(16), default="label_created")
    shipped_at: Mapped[dt.datetime | None]
    eta: Mapped[dt.date | None] = mapped_column(Date)
    delivered_at: Mapped[dt.datetime | None]
    reship_of_id: Mapped[int | None] = mapped_column(ForeignKey("store_shipments.id"))

    events: Mapped[list[StoreTrackingEvent]] = relationship(order_by="StoreTrackingEvent.at")


class StoreTrackingEvent(Base):
    __tablename__ = "store_tracking_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("store_shipments.id"), index=True)
    at: Mapped[dt.datetime]
    status: Mapped[str] = mapped_column(String(64))
    location: Mapped[str] = mapped_column(String(200), default="")


class StoreOperation(Base):
    """One changing call, keyed by its idempotency key: a replay returns the first result."""

    __tablename__ = "store_operations"
    __table_args__ = (UniqueConstraint("idempotency_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    order_number: Mapped[str | None] = mapped_column(String(32), index=True)
    customer_ref: Mapped[str | None] = mapped_column(String(64))
    ref: Mapped[str] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
