"""Built-in store rows → the connector's frozen records."""

from __future__ import annotations

from minidesk.commerce.connector import (
    CustomerRecord,
    OrderRecord,
    OrderStatus,
    PaymentRecord,
    PaymentStatus,
    RefundRecord,
    ShipmentRecord,
    ShipmentStatus,
    TrackingEventRecord,
)
from minidesk.commerce.models import StoreCustomer, StoreOrder, StorePayment, StoreShipment
from minidesk.commerce.money import Money


def customer_record(row: StoreCustomer) -> CustomerRecord:
    return CustomerRecord(ref=row.ref, email=row.email, phone=row.phone, name=row.name)


def payment_record(row: StorePayment) -> PaymentRecord:
    refunded = sum(refund.amount_minor for refund in row.refunds)
    return PaymentRecord(
        ref=f"pay_{row.id}",
        method=row.method,
        last4=row.last4,
        status=PaymentStatus(row.status),
        amount=Money(row.amount_minor, row.currency),
        captured=Money(row.captured_minor, row.currency),
        refunded=Money(refunded, row.currency),
        refunds=tuple(
            RefundRecord(
                ref=refund.ref or f"re_{refund.id}",
                amount=Money(refund.amount_minor, refund.currency),
                created_at=refund.created_at,
                reason=refund.reason,
            )
            for refund in row.refunds
        ),
    )


def shipment_record(row: StoreShipment) -> ShipmentRecord:
    return ShipmentRecord(
        ref=f"sh_{row.id}",
        carrier=row.carrier,
        tracking_number=row.tracking_number,
        status=ShipmentStatus(row.status),
        shipped_at=row.shipped_at,
        eta=row.eta,
        delivered_at=row.delivered_at,
        reship_of=f"sh_{row.reship_of_id}" if row.reship_of_id else None,
        events=tuple(TrackingEventRecord(e.at, e.status, e.location) for e in row.events),
    )


def order_record(row: StoreOrder) -> OrderRecord:
    return OrderRecord(
        number=row.number,
        customer_ref=row.customer.ref,
        status=OrderStatus(row.status),
        currency=row.currency,
        total=Money(row.total_minor, row.currency),
        placed_at=row.placed_at,
        promised_on=row.promised_on,
        shipping_address=dict(row.shipping_address),
        items=tuple(dict(item) for item in row.items),
        payment=payment_record(row.payments[0]) if row.payments else None,
        shipments=tuple(shipment_record(s) for s in row.shipments),
        cancelled_at=row.cancelled_at,
    )
