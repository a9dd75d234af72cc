"""A small real-looking shop, loaded through the admin import API: Ana with many orders in
every state, Carla with one, Ben who writes by phone."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from tests.conftest import Cast

from minidesk.db import utcnow

ANA, BEN, CARLA = "ana.ruiz@example.com", "ben.hall@example.com", "carla.mota@example.com"
ANA_PHONE_AS_EXPORTED = "(555) 010-2000"  # the shop's export, no country code
ANA_PHONE_AS_SENT = "+1 555 010 2000"  # how an SMS provider sends it


def _iso(at: dt.datetime | dt.date) -> str:
    return at.isoformat()


def _order(
    number: str, who: str, items: str, total: int, placed: dt.datetime, promised: dt.date
) -> dict[str, Any]:
    return {
        "number": number,
        "customer_ref": who,
        "currency": "USD",
        "total_minor": total,
        "placed_at": _iso(placed),
        "promised_on": _iso(promised),
        "address": "4 Elm Row, Springfield, 01101, US",
        "items": items,
    }


def _paid(number: str, minor: int, card: str = "4242", status: str = "captured") -> dict[str, Any]:
    return {
        "order_number": number,
        "method": "Visa",
        "last4": card,
        "status": status,
        "amount_minor": minor,
        "captured_minor": minor if status == "captured" else 0,
        "currency": "USD",
    }


def _shipped(
    now: dt.datetime,
    number: str,
    days_ago: int,
    eta: dt.date | None = None,
    delivered: int | None = None,
) -> dict[str, Any]:
    return {
        "order_number": number,
        "carrier": "UPS",
        "tracking_number": f"1ZTEST{number}",
        "status": "delivered" if delivered is not None else "in_transit",
        "shipped_at": _iso(now - dt.timedelta(days=days_ago)),
        "eta": _iso(eta) if eta else "",
        "delivered_at": _iso(now - dt.timedelta(days=delivered)) if delivered is not None else "",
    }


def shop_tables(now: dt.datetime) -> dict[str, list[dict[str, Any]]]:
    today = now.date()

    def ago(days: int) -> dt.datetime:
        return now - dt.timedelta(days=days)

    order, paid = _order, _paid

    def shipped(
        number: str, days_ago: int, eta: dt.date | None = None, delivered: int | None = None
    ) -> dict[str, Any]:
        return _shipped(now, number, days_ago, eta, delivered)

    return {
        "customers": [
            {"ref": "c-ana", "email": ANA, "phone": ANA_PHONE_AS_EXPORTED, "name": "Ana Ruiz"},
            {"ref": "c-ben", "email": BEN, "phone": "020 7946 0958", "name": "Ben Hall"},
            {"ref": "c-carla", "email": CARLA, "phone": "", "name": "Carla Mota"},
        ],
        "orders": [
            # Delivered 5 days ago: inside the return window.
            order(
                "10234",
                "c-ana",
                "Stacking toy x 1 @ 2499; Bonsai kit x 1 @ 3999",
                6498,
                ago(12),
                today - dt.timedelta(days=5),
            ),
            # Promised 14 days ago, still in transit: more than 5 business days late.
            order(
                "10235",
                "c-ana",
                "Board game x 1 @ 4500",
                4500,
                ago(25),
                today - dt.timedelta(days=14),
            ),
            # Cancelled 3 days ago and refunded in full.
            order("10236", "c-ana", "Wool scarf x 1 @ 3000", 3000, ago(6), today),
            # Over $200, delivered: a full refund needs a senior manager.
            order(
                "10237",
                "c-ana",
                "Standing desk x 1 @ 21000",
                21000,
                ago(9),
                today - dt.timedelta(days=3),
            ),
            # Delivered 40 days ago, $30 of $40 already refunded.
            order(
                "10238",
                "c-ana",
                "Desk lamp x 1 @ 4000",
                4000,
                ago(50),
                today - dt.timedelta(days=40),
            ),
            # Shipped yesterday, due in 3 days.
            order(
                "10239", "c-ana", "Wool rug x 1 @ 9000", 9000, ago(2), today + dt.timedelta(days=3)
            ),
            order(
                "20001",
                "c-carla",
                "Linen shirt x 2 @ 2500",
                5000,
                ago(3),
                today + dt.timedelta(days=2),
            ),
            order(
                "30001",
                "c-ben",
                "Canvas tote x 1 @ 1800",
                1800,
                ago(0),
                today + dt.timedelta(days=6),
            ),
        ],
        "payments": [
            paid("10234", 6498),
            paid("10235", 4500),
            paid("10236", 3000),
            paid("10237", 21000),
            paid("10238", 4000),
            paid("10239", 9000),
            paid("20001", 5000, card="1881"),
            paid("30001", 1800, card="0005", status="authorised"),
        ],
        "refunds": [
            {
                "ref": "R-1",
                "order_number": "10236",
                "amount_minor": 3000,
                "currency": "USD",
                "created_at": _iso(ago(3)),
                "reason": "order cancelled",
            },
            {
                "ref": "R-2",
                "order_number": "10238",
                "amount_minor": 3000,
                "currency": "USD",
                "created_at": _iso(ago(20)),
                "reason": "goodwill",
            },
        ],
        "shipments": [
            shipped("10234", 10, delivered=5),
            shipped("10235", 20),
            shipped("10237", 7, delivered=3),
            shipped("10238", 45, delivered=40),
            shipped("10239", 1, eta=today + dt.timedelta(days=3)),
            shipped("20001", 2, eta=today + dt.timedelta(days=2)),
        ],
        "cancellations": [{"order_number": "10236", "cancelled_at": _iso(ago(3))}],
    }


def load_shop(client: TestClient, cast: Cast) -> dict[str, int]:
    response = client.post(
        "/api/v1/store/imports", json=shop_tables(utcnow()), headers=cast.olivia.headers
    )
    assert response.status_code == 200, response.text
    imported: dict[str, int] = response.json()["imported"]
    return imported
