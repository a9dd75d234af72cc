"""A parcel past its promised day but not late enough to resend (POLICIES.md: more than 5
business days) is said to be late, with tracking, the carrier's new estimate if it gave one,
and the day from which a reply gets the items resent; an order not yet due gets the
carrier's estimate, else the day the shop promised."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound
from tests.resolutions.conftest import kinds, replies, templates
from tests.resolutions.shop import CARLA, _order, _paid, _shipped, load_shop

from minidesk.db import Database, utcnow
from minidesk.policies.calendar import business_days_late, first_day_late_by, show_date


def _promised_days_late(today: dt.date, late: int) -> dt.date:
    day = today - dt.timedelta(days=1)
    while business_days_late(day, today) < late:
        day -= dt.timedelta(days=1)
    return day


@pytest.fixture
def late_shop(client: TestClient, cast: Cast, database: Database) -> dict[str, dt.date]:
    load_shop(client, cast)
    now = utcnow()
    today = now.date()
    dates = {
        "due": _promised_days_late(today, 2),
        "eta": today + dt.timedelta(days=2),
        "soon": today + dt.timedelta(days=4),
        "yesterday": today - dt.timedelta(days=1),
    }
    tables = {
        "orders": [
            _order("20002", "c-carla", "Linen shirt x 1 @ 2500", 2500, now, dates["due"]),
            _order("20003", "c-carla", "Wool rug x 1 @ 9000", 9000, now, dates["due"]),
            _order("20004", "c-carla", "Canvas tote x 1 @ 1800", 1800, now, dates["soon"]),
            _order("20005", "c-carla", "Tea towel x 2 @ 900", 1800, now, dates["yesterday"]),
        ],
        "payments": [
            _paid("20002", 2500),
            _paid("20003", 9000),
            _paid("20004", 1800),
            _paid("20005", 1800),
        ],
        "shipments": [
            _shipped(now, "20002", 6),
            _shipped(now, "20003", 6, eta=dates["eta"]),
            _shipped(now, "20004", 1),
            _shipped(now, "20005", 3, eta=dates["yesterday"]),
        ],
    }
    response = client.post("/api/v1/store/imports", json=tables, headers=cast.olivia.headers)
    assert response.status_code == 200, response.text
    return dates


def _ask(client: TestClient, cast: Cast, text: str, key: str) -> int:
    return int(str(inbound(client, cast.shop, text, key, email=CARLA)["ticket_number"]))


def test_a_late_order_is_said_to_be_late_with_the_day_a_reply_gets_it_resent(
    client: TestClient, cast: Cast, database: Database, late_shop: dict[str, dt.date]
) -> None:
    number = _ask(client, cast, "where is my order 20002? it should be here by now", "l1")
    assert templates(database, number) == ["order_running_late"]
    text = replies(database, number)[0]
    resend_on = first_day_late_by(late_shop["due"], 6)
    assert f"was due on {show_date(late_shop['due'])}" in text
    assert "has not given a new delivery date yet" in text
    assert f"still not with you on {show_date(resend_on)}" in text
    assert kinds(database, number, "commerce.") == []  # tracking only: no reship yet


def test_a_late_order_with_a_new_carrier_estimate_gives_it(
    client: TestClient, cast: Cast, database: Database, late_shop: dict[str, dt.date]
) -> None:
    number = _ask(client, cast, "my rug from 20003 is late, when will it arrive?", "l2")
    assert templates(database, number) == ["order_running_late"]
    assert f"now expects it on {show_date(late_shop['eta'])}" in replies(database, number)[0]


def test_an_order_not_yet_due_without_a_carrier_estimate_gets_the_promised_day(
    client: TestClient, cast: Cast, database: Database, late_shop: dict[str, dt.date]
) -> None:
    number = _ask(client, cast, "where is my order 20004?", "l3")
    assert templates(database, number) == ["order_status"]
    assert f"should arrive by {show_date(late_shop['soon'])}" in replies(database, number)[0]


def test_a_late_order_in_spanish_is_said_to_be_late_in_spanish(
    client: TestClient, cast: Cast, database: Database, late_shop: dict[str, dt.date]
) -> None:
    number = _ask(client, cast, "¿dónde está mi pedido 20002? ya debería haber llegado", "l4")
    assert templates(database, number) == ["order_running_late"]
    text = replies(database, number)[0]
    assert "todavía no ha llegado" in text and "sin coste" in text


def test_an_order_due_yesterday_is_late_even_on_a_weekend_and_its_past_estimate_unsaid(
    client: TestClient, cast: Cast, database: Database, late_shop: dict[str, dt.date]
) -> None:
    # Zero business days late on a Sunday for a Saturday's promise: late all the same.
    number = _ask(client, cast, "hi, where are my tea towels? order 20005", "l5")
    assert templates(database, number) == ["order_running_late"]
    text = replies(database, number)[0]
    assert "has not given a new delivery date yet" in text
    assert (
        f"still not with you on {show_date(first_day_late_by(late_shop['yesterday'], 6))}" in text
    )
