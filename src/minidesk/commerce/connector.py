"""The commerce connector protocol: what minidesk asks of a shop's back office.

A connector holds no state between calls (safe from threads and async tasks alike); every call
that moves money or changes an order takes an ``idempotency_key`` so a retried job never
refunds twice. Failures raise ``CommerceError``; ``permanent=True`` means retrying cannot help
(order not found, already shipped), otherwise the caller may retry later.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable

from minidesk.commerce.money import Money


class PaymentStatus(StrEnum):
    AUTHORISED = "authorised"
    CAPTURED = "captured"
    VOIDED = "voided"


class ShipmentStatus(StrEnum):
    LABEL_CREATED = "label_created"
    IN_TRANSIT = "in_transit"
    DELIVERED = "delivered"


class OrderStatus(StrEnum):
    OPEN = "open"
    CANCELLED = "cancelled"


class ActionKind(StrEnum):
    REFUND = "refund"
    CANCEL = "cancel"
    RESHIP = "reship"
    CHANGE_ADDRESS = "change_address"
    RETURN_AUTHORISATION = "return_authorisation"
    PASSWORD_RESET = "password_reset"
    INVOICE = "invoice"


class CommerceError(Exception):
    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


@dataclass(frozen=True)
class CustomerRecord:
    ref: str
    email: str | None
    phone: str | None
    name: str


@dataclass(frozen=True)
class RefundRecord:
    ref: str
    amount: Money
    created_at: dt.datetime
    reason: str


@dataclass(frozen=True)
class PaymentRecord:
    ref: str
    method: str  # card brand or wallet: "Visa", "Mastercard", "PayPal"
    last4: str
    status: PaymentStatus
    amount: Money  # authorised amount
    captured: Money
    refunded: Money
    refunds: tuple[RefundRecord, ...] = ()

    @property
    def refundable(self) -> Money:
        """Captured minus already refunded; an authorisation alone has nothing to refund."""
        if self.status != PaymentStatus.CAPTURED:
            return Money(0, self.amount.currency)
        return self.captured - self.refunded

    @property
    def label(self) -> str:
        return f"{self.method} ending {self.last4}" if self.last4 else self.method


@dataclass(frozen=True)
class TrackingEventRecord:
    at: dt.datetime
    status: str
    location: str


@dataclass(frozen=True)
class ShipmentRecord:
    ref: str
    carrier: str
    tracking_number: str
    status: ShipmentStatus
    shipped_at: dt.datetime | None
    eta: dt.date | None
    delivered_at: dt.datetime | None
    reship_of: str | None = None
    events: tuple[TrackingEventRecord, ...] = ()


@dataclass(frozen=True)
class OrderRecord:
    number: str
    customer_ref: str
    status: OrderStatus
    currency: str
    total: Money
    placed_at: dt.datetime
    promised_on: dt.date | None
    shipping_address: dict[str, Any]
    items: tuple[dict[str, Any], ...]
    payment: PaymentRecord | None
    shipments: tuple[ShipmentRecord, ...] = field(default=())
    cancelled_at: dt.datetime | None = None

    @property
    def cancelled(self) -> bool:
        return self.status == OrderStatus.CANCELLED

    @property
    def shipped(self) -> bool:
        return any(s.shipped_at is not None for s in self.shipments)

    @property
    def delivered_at(self) -> dt.datetime | None:
        times = [s.delivered_at for s in self.shipments if s.delivered_at is not None]
        return max(times) if times else None

    @property
    def latest_shipment(self) -> ShipmentRecord | None:
        return self.shipments[-1] if self.shipments else None

    @property
    def reshipped(self) -> bool:
        return any(s.reship_of for s in self.shipments)


@dataclass(frozen=True)
class ActionResult:
    kind: ActionKind
    ref: str
    idempotency_key: str
    detail: dict[str, Any]
    replayed: bool = False  # True when the key had been used: nothing happened twice


class CommerceConnector(Protocol):
    name: str

    def find_customer(
        self, *, email: str | None = None, phone: str | None = None
    ) -> CustomerRecord | None: ...

    def list_orders(self, customer_ref: str) -> list[OrderRecord]: ...

    def get_order(self, number: str) -> OrderRecord | None: ...

    def refund(
        self, order_number: str, amount: Money, *, idempotency_key: str, reason: str
    ) -> ActionResult: ...

    def cancel(self, order_number: str, *, idempotency_key: str) -> ActionResult: ...

    def reship(self, order_number: str, *, idempotency_key: str) -> ActionResult: ...

    def change_shipping_address(
        self, order_number: str, address: dict[str, Any], *, idempotency_key: str
    ) -> ActionResult: ...

    def create_return_authorisation(
        self, order_number: str, *, idempotency_key: str
    ) -> ActionResult: ...

    def send_password_reset(self, customer_ref: str, *, idempotency_key: str) -> ActionResult: ...

    def resend_invoice(self, order_number: str, *, idempotency_key: str) -> ActionResult: ...


@runtime_checkable
class Prefetching(Protocol):
    """Optional: a connector that can look up many customers and orders in one go. The
    resolution flows hand it a dispatch batch's senders and order numbers first; its
    ``find_customer``/``get_order`` then answer those without another round trip."""

    def prefetch(
        self,
        *,
        emails: Collection[str] = (),
        phones: Collection[str] = (),
        order_numbers: Collection[str] = (),
    ) -> None: ...
