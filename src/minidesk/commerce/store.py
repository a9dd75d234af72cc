"""The built-in store: the commerce connector on minidesk's own database (used by the demo).

It works inside the caller's session, so a refund commits (or rolls back) together with the
decision and the event that explain it. Each changing call first looks up its idempotency key
in ``store_operations``; a replay returns the recorded result and changes nothing.

Look-ups are remembered for the rest of the transaction (``commerce.lookups``); every changing
call forgets them, so a change is read back afresh.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from minidesk.commerce import lookups
from minidesk.commerce.connector import (
    ActionKind,
    ActionResult,
    CommerceError,
    CustomerRecord,
    OrderRecord,
    OrderStatus,
    PaymentStatus,
    ShipmentStatus,
)
from minidesk.commerce.models import (
    StoreCustomer,
    StoreOperation,
    StoreOrder,
    StorePayment,
    StoreRefund,
    StoreShipment,
)
from minidesk.commerce.money import Money
from minidesk.commerce.records import order_record
from minidesk.db import utcnow


class BuiltinStore:
    name = "builtin"

    def __init__(self, session: Session) -> None:
        self.session = session

    # -- look-ups -------------------------------------------------------------------------

    def find_customer(
        self, *, email: str | None = None, phone: str | None = None
    ) -> CustomerRecord | None:
        return lookups.customer(self.session, email=email, phone=phone)

    def list_orders(self, customer_ref: str) -> list[OrderRecord]:
        return [order_record(row) for row in lookups.customer_orders(self.session, customer_ref)]

    def prefetch(
        self,
        *,
        emails: Collection[str] = (),
        phones: Collection[str] = (),
        order_numbers: Collection[str] = (),
    ) -> None:
        """Look up a batch's customers and orders at once (``connector.Prefetching``)."""
        lookups.prefetch(self.session, emails=emails, phones=phones, order_numbers=order_numbers)

    def get_order(self, number: str) -> OrderRecord | None:
        row = self._order_row(number)
        return order_record(row) if row else None

    # -- actions ----------------------------------------------------------------------------

    def refund(
        self, order_number: str, amount: Money, *, idempotency_key: str, reason: str
    ) -> ActionResult:
        order = self._require(order_number)
        payment, refundable = self._lock_payment(order)
        if (done := self._replay(idempotency_key, ActionKind.REFUND)) is not None:
            return done
        if amount.amount_minor <= 0:
            raise CommerceError("a refund must be a positive amount", permanent=True)
        if amount.currency != payment.currency or amount.amount_minor > refundable:
            raise CommerceError(
                f"order {order_number} has {refundable} "
                f"{payment.currency} refundable; {amount.amount_minor} asked",
                permanent=True,
            )
        refund = StoreRefund(
            payment_id=payment.id,
            amount_minor=amount.amount_minor,
            currency=amount.currency,
            reason=reason[:500],
        )
        self.session.add(refund)
        self.session.flush()
        detail = {**amount.as_dict(), "method": payment.method, "last4": payment.last4}
        return self._record(idempotency_key, ActionKind.REFUND, order, f"re_{refund.id}", detail)

    def cancel(self, order_number: str, *, idempotency_key: str) -> ActionResult:
        if (done := self._replay(idempotency_key, ActionKind.CANCEL)) is not None:
            return done
        order = self._require(order_number)
        if order.status == OrderStatus.CANCELLED:
            raise CommerceError(f"order {order_number} is already cancelled", permanent=True)
        if any(s.shipped_at is not None for s in order.shipments):
            raise CommerceError(f"order {order_number} has shipped", permanent=True)
        payment, left = self._lock_payment(order)
        detail: dict[str, Any] = {"voided": False, "refunded_minor": 0}
        if payment.status == PaymentStatus.AUTHORISED:
            payment.status = PaymentStatus.VOIDED
            detail["voided"] = True
        elif payment.status == PaymentStatus.CAPTURED:
            if left > 0:
                self.session.add(
                    StoreRefund(
                        payment_id=payment.id,
                        amount_minor=left,
                        currency=payment.currency,
                        reason="order cancelled",
                    )
                )
            detail["refunded_minor"] = left
        detail.update(currency=payment.currency, method=payment.method, last4=payment.last4)
        order.status = OrderStatus.CANCELLED
        order.cancelled_at = utcnow()
        self.session.flush()
        return self._record(idempotency_key, ActionKind.CANCEL, order, f"ca_{order.id}", detail)

    def reship(self, order_number: str, *, idempotency_key: str) -> ActionResult:
        if (done := self._replay(idempotency_key, ActionKind.RESHIP)) is not None:
            return done
        order = self._require(order_number)
        if any(s.delivered_at is not None for s in order.shipments):
            raise CommerceError(f"order {order_number} was delivered", permanent=True)
        original = order.shipments[-1] if order.shipments else None
        if original is None:
            raise CommerceError(f"order {order_number} has not shipped", permanent=True)
        shipment = StoreShipment(
            order_id=order.id,
            carrier=original.carrier,
            tracking_number=f"RS{secrets.token_hex(5).upper()}",
            status=ShipmentStatus.LABEL_CREATED,
            shipped_at=utcnow(),
            reship_of_id=original.id,
        )
        self.session.add(shipment)
        self.session.flush()
        self.session.expire(order, ["shipments"])
        detail = {"carrier": shipment.carrier, "tracking_number": shipment.tracking_number}
        return self._record(idempotency_key, ActionKind.RESHIP, order, f"sh_{shipment.id}", detail)

    def change_shipping_address(
        self, order_number: str, address: dict[str, Any], *, idempotency_key: str
    ) -> ActionResult:
        if (done := self._replay(idempotency_key, ActionKind.CHANGE_ADDRESS)) is not None:
            return done
        order = self._require(order_number)
        if any(s.shipped_at is not None for s in order.shipments):
            raise CommerceError(f"order {order_number} has shipped", permanent=True)
        before = dict(order.shipping_address)
        order.shipping_address = dict(address)
        detail = {"before": before, "after": dict(address)}
        return self._record(
            idempotency_key, ActionKind.CHANGE_ADDRESS, order, f"ad_{order.id}", detail
        )

    def create_return_authorisation(
        self, order_number: str, *, idempotency_key: str
    ) -> ActionResult:
        if (done := self._replay(idempotency_key, ActionKind.RETURN_AUTHORISATION)) is not None:
            return done
        order = self._require(order_number)
        code = f"RMA-{order.number}-{secrets.token_hex(2).upper()}"
        return self._record(
            idempotency_key, ActionKind.RETURN_AUTHORISATION, order, code, {"code": code}
        )

    def send_password_reset(self, customer_ref: str, *, idempotency_key: str) -> ActionResult:
        if (done := self._replay(idempotency_key, ActionKind.PASSWORD_RESET)) is not None:
            return done
        customer = self.session.scalars(
            select(StoreCustomer).where(StoreCustomer.ref == customer_ref)
        ).first()
        if customer is None or not customer.email:
            raise CommerceError(f"customer {customer_ref} has no email on file", permanent=True)
        operation = StoreOperation(
            idempotency_key=idempotency_key,
            kind=ActionKind.PASSWORD_RESET,
            customer_ref=customer_ref,
            ref=f"pr_{secrets.token_hex(4)}",
            detail={"sent_to": customer.email},
        )
        self.session.add(operation)
        self.session.flush()
        return _result(operation)

    def resend_invoice(self, order_number: str, *, idempotency_key: str) -> ActionResult:
        if (done := self._replay(idempotency_key, ActionKind.INVOICE)) is not None:
            return done
        order = self._require(order_number)
        detail = {"sent_to": order.customer.email}
        return self._record(idempotency_key, ActionKind.INVOICE, order, f"in_{order.id}", detail)

    # -- helpers ----------------------------------------------------------------------------

    def _order_row(self, number: str) -> StoreOrder | None:
        return lookups.order(self.session, number)

    def _require(self, number: str) -> StoreOrder:
        order = self._order_row(number)
        if order is None:
            raise CommerceError(f"no order {number}", permanent=True)
        return order

    def _payment(self, order: StoreOrder) -> StorePayment:
        if not order.payments:
            raise CommerceError(f"order {order.number} has no payment", permanent=True)
        return order.payments[0]

    def _lock_payment(self, order: StoreOrder) -> tuple[StorePayment, int]:
        """The order's payment, locked until this transaction ends, and what is left to
        refund on it, read afresh under the lock.

        Refunds on one order from several transactions (the bot, agents, approvals, a
        cancellation) wait for each other here, and each sees the refunds the previous one
        committed: the look-ups this transaction remembered may predate them. (SQLite has no
        row locks; its writers hold the whole database from their first read instead.)
        """
        first = self._payment(order)
        payment = self.session.scalars(
            select(StorePayment)
            .where(StorePayment.id == first.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).one()
        refunded = self.session.scalar(
            select(func.coalesce(func.sum(StoreRefund.amount_minor), 0)).where(
                StoreRefund.payment_id == payment.id
            )
        )
        captured = payment.captured_minor if payment.status == PaymentStatus.CAPTURED else 0
        return payment, captured - int(refunded or 0)

    def _replay(self, key: str, kind: ActionKind) -> ActionResult | None:
        row = self.session.scalars(
            select(StoreOperation).where(StoreOperation.idempotency_key == key)
        ).first()
        if row is None:
            return None
        if row.kind != kind:
            raise CommerceError(f"idempotency key {key} was used for {row.kind}", permanent=True)
        result = _result(row)
        return ActionResult(result.kind, result.ref, key, result.detail, replayed=True)

    def _record(
        self, key: str, kind: ActionKind, order: StoreOrder, ref: str, detail: dict[str, Any]
    ) -> ActionResult:
        operation = StoreOperation(
            idempotency_key=key, kind=kind, order_number=order.number, ref=ref, detail=detail
        )
        self.session.add(operation)
        self.session.flush()
        lookups.forget(self.session, order.number)
        for payment in order.payments:
            self.session.expire(payment)
        self.session.expire(order)
        return _result(operation)


def _result(row: StoreOperation) -> ActionResult:
    return ActionResult(ActionKind(row.kind), row.ref, row.idempotency_key, dict(row.detail))
