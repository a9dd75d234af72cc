"""The demo shop's back office: customers (the demo's people, linked by email and phone),
orders from 1001 with card payments, shipments with carriers, tracking and promised dates —
some delivered, some in transit, some late, some not shipped.

The first orders are fixed scenarios (tests and the bench rely on them); the rest are drawn
from a seeded generator. Dates are relative to ``now`` at seeding time. Rows go through the
CSV importer, so seeding twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.commerce.imports import ImportKind, import_rows
from minidesk.commerce.models import StoreOrder, StoreTrackingEvent

FIRST_ORDER = 1001
CARDS = [("Visa", "4242"), ("Mastercard", "5454"), ("Amex", "0005"), ("Visa", "1881")]
CARRIERS = ["UPS", "USPS", "FedEx", "DHL"]
ITEMS = [
    "Linen shirt",
    "Stoneware mug",
    "Wool scarf",
    "Canvas tote",
    "Denim jacket",
    "Blender",
    "Scented candle",
    "Leather wallet",
]


@dataclass(frozen=True)
class Scenario:
    """One order: ``state`` is delivered | in_transit | late | not_shipped | authorised."""

    customer: int
    state: str
    total_minor: int
    days: int = 0  # delivered/late: days ago; in_transit: days until promised
    card: int = 0


# Customer 0 is Emma Garcia (emma.garcia@example.com), customer 1 Liam Silva.
SCENARIOS = [
    Scenario(0, "in_transit", 6_400, days=2),  # 1001 where is my order → tracking
    Scenario(0, "not_shipped", 4_250),  # 1002 cancel → captured, refunded
    Scenario(0, "delivered", 8_900, days=10),  # 1003 return inside; $25 refund
    Scenario(1, "late", 12_000, days=14, card=1),  # 1004 late > 5 business days → reship
    Scenario(1, "delivered", 5_600, days=40, card=1),  # 1005 return outside the window
    Scenario(1, "authorised", 3_100, card=1),  # 1006 cancel → void
    Scenario(0, "delivered", 35_000, days=5, card=2),  # 1007 $300 refund → approval
    Scenario(1, "late", 7_500, days=4, card=1),  # 1008 late but only a few days → tracking
]


def demo_handle(index: int) -> tuple[str, str, str]:
    """Name, email and phone of the demo's customer ``index`` (as ``minidesk.demo`` makes them)."""
    from minidesk.demo import FIRST, LAST

    name = f"{FIRST[index % len(FIRST)]} {LAST[(index * 7) % len(LAST)]}"
    handle = name.lower().replace(" ", ".").replace("é", "e").replace("ü", "u").replace("á", "a")
    return name, f"{handle}@example.com", f"+1555{index:07d}"


def seed_store(
    session: Session,
    now: dt.datetime,
    *,
    customers: int = 120,
    orders: int = 400,
    random_seed: int = 11,
) -> int:
    """Seed the sample shop once; returns the number of orders created (0 if present)."""
    if session.scalars(select(StoreOrder.id).limit(1)).first() is not None:
        return 0
    rng = random.Random(random_seed)
    people, seen = [], set()
    for index in range(customers):
        name, email, phone = demo_handle(index)
        if email not in seen:  # the demo's name generator repeats after 80 people
            seen.add(email)
            people.append({"ref": f"cus_{index}", "email": email, "phone": phone, "name": name})
    import_rows(session, ImportKind.CUSTOMERS, people)
    scenarios = list(SCENARIOS)
    states = ["delivered"] * 4 + ["in_transit"] * 3 + ["late", "not_shipped", "authorised"]
    while len(scenarios) < orders:
        state = rng.choice(states)
        days = rng.randrange(1, 60) if state == "delivered" else rng.randrange(1, 15)
        scenarios.append(
            Scenario(
                rng.randrange(len(people)),
                state,
                rng.randrange(15, 260) * 100 - 1,
                days,
                rng.randrange(4),
            )
        )
    rows = [
        _rows(FIRST_ORDER + i, s, people[s.customer]["ref"], now, rng)
        for i, s in enumerate(scenarios)
    ]
    import_rows(session, ImportKind.ORDERS, [r[0] for r in rows])
    import_rows(session, ImportKind.PAYMENTS, [r[1] for r in rows])
    import_rows(session, ImportKind.SHIPMENTS, [r[2] for r in rows if r[2]])
    _tracking_events(session)
    return len(scenarios)


def _rows(
    number: int, s: Scenario, customer_ref: str, now: dt.datetime, rng: random.Random
) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    today = now.date()
    if s.state == "delivered":
        delivered = now - dt.timedelta(days=s.days)
        placed, promised = delivered - dt.timedelta(days=5), delivered.date()
    elif s.state == "late":
        promised = today - dt.timedelta(days=s.days)
        placed = now - dt.timedelta(days=s.days + 6)
    elif s.state == "in_transit":
        promised = today + dt.timedelta(days=s.days)
        placed = now - dt.timedelta(days=3)
    else:
        promised, placed = today + dt.timedelta(days=6), now - dt.timedelta(hours=5)
    method, last4 = CARDS[s.card]
    order = {
        "number": str(number),
        "customer_ref": customer_ref,
        "currency": "USD",
        "total_minor": str(s.total_minor),
        "placed_at": placed.isoformat(),
        "promised_on": promised.isoformat(),
        "address": f"{rng.randrange(1, 200)} High Street, Springfield, "
        f"{rng.randrange(10000, 99999)}, US",
        "items": f"{rng.choice(ITEMS)} x {rng.randrange(1, 3)}",
    }
    captured = s.state != "authorised"
    payment = {
        "order_number": str(number),
        "method": method,
        "last4": last4,
        "status": "captured" if captured else "authorised",
        "currency": "USD",
        "amount_minor": str(s.total_minor),
        "captured_minor": str(s.total_minor if captured else 0),
    }
    shipment: dict[str, str] = {}
    if s.state in ("delivered", "late", "in_transit"):
        carrier = CARRIERS[number % len(CARRIERS)]
        shipment = {
            "order_number": str(number),
            "carrier": carrier,
            "tracking_number": f"1Z{number:06d}{rng.randrange(10**9, 10**10)}",
            "status": "delivered" if s.state == "delivered" else "in_transit",
            "shipped_at": (placed + dt.timedelta(days=1)).isoformat(),
            "eta": promised.isoformat() if s.state == "in_transit" else "",
            "delivered_at": delivered.isoformat() if s.state == "delivered" else "",
        }
    return order, payment, shipment


def _tracking_events(session: Session) -> None:
    from minidesk.commerce.models import StoreShipment

    for shipment in session.scalars(select(StoreShipment)):
        if shipment.shipped_at is None:
            continue
        session.add(
            StoreTrackingEvent(
                shipment_id=shipment.id,
                at=shipment.shipped_at,
                status="picked up",
                location="Springfield, US",
            )
        )
        if shipment.delivered_at is not None:
            session.add(
                StoreTrackingEvent(
                    shipment_id=shipment.id,
                    at=shipment.delivered_at,
                    status="delivered",
                    location="front door",
                )
            )
    session.flush()
