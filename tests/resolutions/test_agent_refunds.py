"""Agent refunds through the API: caps, the daily budget at local midnight, approvals."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound
from tests.resolutions.conftest import EMMA

from minidesk.commerce.money import Money
from minidesk.db import Database
from minidesk.desk.workspace import do_update_workspace
from minidesk.events import SYSTEM
from minidesk.policies.limits import spent_today
from minidesk.policies.models import SpendEntry
from minidesk.policies.pack import PolicyPack


def ticket_for_emma(client: TestClient, cast: Cast) -> int:
    body = inbound(client, cast.olivia, "hello, a question about order 1003", "q", email=EMMA)
    return int(body["ticket_number"])  # type: ignore[arg-type]


def refund(client: TestClient, who: object, number: int, cents: int, order: str = "1003"):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/v1/tickets/{number}/refunds",
        json={"order_number": order, "amount_minor": cents},
        headers=who.headers,
    )  # type: ignore[attr-defined]


def test_bob_trusted_refunds_up_to_his_cap_then_asks(
    client: TestClient, cast: Cast, store: Database
) -> None:
    number = ticket_for_emma(client, cast)
    limits = {"may_refund": True, "cap_minor": 3_000, "daily_budget_minor": 10_000}
    assert (
        client.put(
            f"/api/v1/agents/{cast.bob.id}/limits", json=limits, headers=cast.olivia.headers
        ).status_code
        == 200
    )
    assert refund(client, cast.bob, number, 3_000).status_code == 201
    over = refund(client, cast.bob, number, 3_001)
    assert over.status_code == 202 and over.json()["rule"] == "agent.cap"


def test_over_the_balance_is_refused_for_everyone(
    client: TestClient, cast: Cast, store: Database
) -> None:
    number = ticket_for_emma(client, cast)
    response = refund(client, cast.leo, number, 8_901)
    assert response.status_code == 409 and response.json()["rule"] == "refund.over_balance"


def test_someone_elses_order_cannot_be_refunded_on_this_ticket(
    client: TestClient, cast: Cast, store: Database
) -> None:
    number = ticket_for_emma(client, cast)
    assert refund(client, cast.leo, number, 1_000, order="1004").status_code == 409


def test_agents_cannot_decide_approvals(client: TestClient, cast: Cast, store: Database) -> None:
    assert client.get("/api/v1/approvals", headers=cast.alice.headers).status_code == 403


def test_declined_approval_tells_the_customer(
    client: TestClient, cast: Cast, store: Database
) -> None:
    number = ticket_for_emma(client, cast)
    asked = refund(client, cast.leo, number, 25_000, order="1007")
    assert asked.status_code == 202
    approval = asked.json()["approval"]["id"]
    declined = client.post(
        f"/api/v1/approvals/{approval}/decline",
        json={"reason": "outside goodwill policy"},
        headers=cast.maya.headers,
    )
    assert declined.status_code == 200
    messages = client.get(f"/api/v1/tickets/{number}/messages", headers=cast.maya.headers)
    assert "outside goodwill policy" in messages.json()["items"][-1]["text"]
    again = client.post(
        f"/api/v1/approvals/{approval}/approve",
        json={"reason": "oops"},
        headers=cast.olivia.headers,
    )
    assert again.status_code == 409


def test_the_day_budget_rolls_over_at_local_midnight(cast: Cast, database: Database) -> None:
    pack = PolicyPack()
    tz = dt.timezone(dt.timedelta(hours=-5))  # New York in winter
    with database.transaction() as session:
        do_update_workspace(session, {"timezone": "America/New_York"}, SYSTEM)
        for local in (
            dt.datetime(2025, 1, 14, 23, 59, tzinfo=tz),
            dt.datetime(2025, 1, 15, 0, 0, tzinfo=tz),
        ):
            session.add(
                SpendEntry(
                    user_id=cast.leo.id,
                    order_number="1003",
                    amount_minor=4_000,
                    currency="USD",
                    created_at=local.astimezone(dt.UTC),
                )
            )
    with database.sessions() as session:
        just_before = dt.datetime(2025, 1, 14, 23, 59, 30, tzinfo=tz)
        just_after = dt.datetime(2025, 1, 15, 0, 0, 30, tzinfo=tz)
        assert spent_today(session, pack, cast.leo.id, just_before) == Money(4_000, "USD")
        assert spent_today(session, pack, cast.leo.id, just_after) == Money(4_000, "USD")
        # 04:59 UTC on the 15th is still the 14th in New York.
        assert spent_today(session, pack, cast.leo.id, just_before.astimezone(dt.UTC)) == Money(
            4_000, "USD"
        )
