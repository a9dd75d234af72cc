"""The built-in store over HTTP: an admin loads a shop's export; agents read the orders,
payments and refunds of a customer they serve (the facts the bot decided on).

Reads go through the workspace's commerce connector, so they show what the flows see
whichever connector is plugged in; the import writes the built-in store.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from minidesk.commerce.bulk import import_tables
from minidesk.commerce.connector import OrderRecord, PaymentRecord
from minidesk.commerce.imports import ImportKind, ImportRowError
from minidesk.commerce.linking import store_customers_of
from minidesk.commerce.registry import connector_for
from minidesk.db import commit
from minidesk.desk import access
from minidesk.desk.access import Permission
from minidesk.web.api import PREFIX
from minidesk.web.deps import SessionDep, UserDep, WorkspaceDep, WriteSessionDep, requires
from minidesk.web.pagination import MAX_LIMIT
from minidesk.web.problems import Problem
from minidesk.web.schemas import Strict

router = APIRouter(prefix=PREFIX, tags=["store"])
Importer = requires(Permission.IMPORT_STORE)
Row = dict[str, str | int | None]
MAX_ROWS = 50_000  # per kind and request; bigger exports go through `minidesk store import`


class StoreImportIn(Strict):
    """The CSV files' rows as objects, column → value (docs/store-import.md); a misspelt
    file name is a 422, not a file silently skipped."""

    customers: list[Row] = Field(default_factory=list, max_length=MAX_ROWS)
    orders: list[Row] = Field(default_factory=list, max_length=MAX_ROWS)
    payments: list[Row] = Field(default_factory=list, max_length=MAX_ROWS)
    refunds: list[Row] = Field(default_factory=list, max_length=MAX_ROWS)
    shipments: list[Row] = Field(default_factory=list, max_length=MAX_ROWS)
    cancellations: list[Row] = Field(default_factory=list, max_length=MAX_ROWS)


class StoreImportOut(BaseModel):
    imported: dict[str, int]


@router.post("/store/imports", response_model=StoreImportOut)
def import_store(
    body: StoreImportIn, session: WriteSessionDep, user: Annotated[Any, Importer]
) -> StoreImportOut:
    """Import a shop's records in one transaction; the first bad row imports nothing (422
    naming its file, line (1-based position in its list) and column)."""
    tables = {kind: getattr(body, kind) for kind in ImportKind if getattr(body, kind)}
    try:
        counts = import_tables(session, tables)
    except ImportRowError as exc:
        session.rollback()
        raise Problem(422, str(exc), slug="store-import-row", error=exc.as_dict()) from None
    commit(session)
    return StoreImportOut(imported=counts)


class RefundOut(BaseModel):
    ref: str
    amount_minor: int
    currency: str
    created_at: dt.datetime
    reason: str


class PaymentOut(BaseModel):
    ref: str
    method: str
    last4: str
    status: str
    currency: str
    amount_minor: int
    captured_minor: int
    refunded_minor: int
    refundable_minor: int
    refunds: list[RefundOut]

    @classmethod
    def of(cls, payment: PaymentRecord) -> PaymentOut:
        return cls(
            ref=payment.ref,
            method=payment.method,
            last4=payment.last4,
            status=str(payment.status),
            currency=payment.amount.currency,
            amount_minor=payment.amount.amount_minor,
            captured_minor=payment.captured.amount_minor,
            refunded_minor=payment.refunded.amount_minor,
            refundable_minor=payment.refundable.amount_minor,
            refunds=[
                RefundOut(
                    ref=r.ref,
                    amount_minor=r.amount.amount_minor,
                    currency=r.amount.currency,
                    created_at=r.created_at,
                    reason=r.reason,
                )
                for r in payment.refunds
            ],
        )


class ShipmentOut(BaseModel):
    carrier: str
    tracking_number: str
    status: str
    shipped_at: dt.datetime | None
    eta: dt.date | None
    delivered_at: dt.datetime | None
    reship: bool


class OrderOut(BaseModel):
    number: str
    store_customer: str
    status: str
    cancelled_at: dt.datetime | None
    currency: str
    total_minor: int
    placed_at: dt.datetime
    promised_on: dt.date | None
    items: list[dict[str, Any]]
    shipping_address: dict[str, Any]
    payment: PaymentOut | None
    shipments: list[ShipmentOut]

    @classmethod
    def of(cls, order: OrderRecord) -> OrderOut:
        return cls(
            number=order.number,
            store_customer=order.customer_ref,
            status=str(order.status),
            cancelled_at=order.cancelled_at,
            currency=order.currency,
            total_minor=order.total.amount_minor,
            placed_at=order.placed_at,
            promised_on=order.promised_on,
            items=list(order.items),
            shipping_address=order.shipping_address,
            payment=PaymentOut.of(order.payment) if order.payment else None,
            shipments=[
                ShipmentOut(
                    carrier=s.carrier,
                    tracking_number=s.tracking_number,
                    status=str(s.status),
                    shipped_at=s.shipped_at,
                    eta=s.eta,
                    delivered_at=s.delivered_at,
                    reship=s.reship_of is not None,
                )
                for s in order.shipments
            ],
        )


class OrdersPage(BaseModel):
    items: list[OrderOut]
    next_cursor: str | None = None


@router.get("/customers/{customer_id}/orders", response_model=OrdersPage)
def customer_orders(
    customer_id: int,
    session: SessionDep,
    user: UserDep,
    workspace: WorkspaceDep,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 25,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
) -> OrdersPage:
    """The orders of every store account linked to the customer (by an email or phone on
    file), newest first, each with its payment, refunds and shipments."""
    customer = access.access_customer(
        session, user, customer_id, workspace.restrict_agents_to_teams
    )
    connector = connector_for(session)
    orders = [
        order
        for record in store_customers_of(session, connector, customer)
        for order in connector.list_orders(record.ref)
    ]
    orders.sort(key=lambda o: (o.placed_at, o.number), reverse=True)
    start = _offset(cursor)
    page = orders[start : start + limit]
    more = start + limit < len(orders)
    return OrdersPage(
        items=[OrderOut.of(o) for o in page], next_cursor=str(start + limit) if more else None
    )


def _offset(cursor: str | None) -> int:
    if cursor is None:
        return 0
    if not cursor.isdigit() or len(cursor) > 9:
        raise Problem(422, f"cursor {cursor[:40]!r} is not one this list gave", slug="bad-cursor")
    return int(cursor)
