"""Cost per contact (docs/metrics.md) computed by hand on the fixture of
tests/insights/cost_timeline.py (its docstring has the numbers), and the workspace's costs: who
sets and reads them, and the precise problems for amounts the report could not add up."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Cast
from tests.desk.visibility_world import restrict
from tests.insights.cost_timeline import COSTS, PRICES, build_costs, eur

from minidesk.db import Database
from minidesk.events import Event
from minidesk.insights.cost_settings import MAX_MINOR

URL = "/api/v1/reports/cost-per-contact"
RANGE = {"from": "2026-03-02", "to": "2026-03-10"}


@pytest.fixture
def timeline(database: Database, cast: Cast, client: TestClient) -> dict[str, int]:
    return build_costs(database, cast, client)


def report(client: TestClient, who: Any, **query: str) -> dict[str, dict[str, Any]]:
    response = client.get(URL, params=query, headers=who.headers)
    assert response.status_code == 200, response.text
    assert response.json()["currency"] == "EUR"
    return {r["key"]: r for r in response.json()["items"]}


def money(row: dict[str, Any]) -> tuple[Any, ...]:
    return (row["contacts"], row["handle_cost"], row["tooling_cost"], row["messaging_cost"],
            row["total_cost"], row["cost_per_contact"])  # fmt: skip


def test_cost_per_contact_for_the_whole_desk(
    client: TestClient, cast: Cast, timeline: dict[str, int]
) -> None:
    # 4,500 s = 1.25 h at 30.00 = 37.50; tooling 9 days at 12.00 = 108.00; 2 SMS at 0.08 and
    # one WhatsApp at 0.05 = 0.21: 145.71 over 7 contacts = 20.8157 a contact (in cents 2081.57).
    [row] = report(client, cast.maya, **RANGE).values()
    assert row == {"key": None, "label": "all", "contacts": 7, "handle_seconds": 4500,
                   "handle_cost": 3750, "tooling_cost": 10800, "sms_messages": 2,
                   "whatsapp_messages": 1, "messaging_cost": 21, "total_cost": 14571,
                   "cost_per_contact": 2081.57}  # fmt: skip


def test_tooling_is_split_by_contacts_across_teams_and_a_restricted_lead_sees_their_share(
    client: TestClient, cast: Cast, timeline: dict[str, int]
) -> None:
    # 10,800 ÷ 7 contacts = 1,542.857 each: Support and Billing 3 contacts (4,628.57 → 4,629),
    # T3's none-team 1 (1,542.86 → 1,543). Support: 3,000 s = 2,500; Billing: 1,500 s = 1,250
    # and the messages' 21.
    rows = report(client, cast.maya, **RANGE, by="team")
    support, billing = str(cast.support_team), str(cast.billing_team)
    assert {k: money(r) for k, r in rows.items()} == {
        support: (3, 2500, 4629, 0, 7129, 2376.33),
        billing: (3, 1250, 4629, 21, 5900, 1966.67),
        None: (1, 0, 1543, 0, 1543, 1543.0)}  # fmt: skip
    restrict(client, cast)
    # Leo leads Support: its contacts and their share of the tooling, never the whole bill.
    [row] = report(client, cast.leo, **RANGE).values()
    assert money(row) == (3, 2500, 4629, 0, 7129, 2376.33)
    assert client.get(URL, params=RANGE, headers=cast.alice.headers).status_code == 403


def test_by_channel_as_csv_and_a_day_with_costs_but_no_contact(
    client: TestClient, cast: Cast, timeline: dict[str, int]
) -> None:
    response = client.get(URL, params={**RANGE, "by": "channel", "format": "csv"},
                          headers=cast.maya.headers)  # fmt: skip
    assert response.headers["content-type"].startswith("text/csv")
    rows = {r["key"]: r for r in csv.DictReader(io.StringIO(response.text))}
    # The WhatsApp reply went out on T2, a chat ticket: priced by the message's channel,
    # counted under the ticket's.
    assert {k: (r["contacts"], r["handle_cost"], r["tooling_cost"], r["messaging_cost"],
                r["total_cost"]) for k, r in rows.items()} == {
        "email": ("2", "2500", "3086", "0", "5586"),
        "chat": ("3", "750", "4629", "5", "5384"),
        "sms": ("1", "500", "1543", "16", "2059"),
        "api": ("1", "0", "1543", "0", "1543")}  # fmt: skip
    # 11 Mar: bob's 300 s on T7 and one SMS on T5, but no customer wrote: the cost stands, no
    # tooling is assigned and there is no cost per contact.
    [row] = report(client, cast.maya, **{"from": "2026-03-11", "to": "2026-03-11"}).values()
    assert money(row) == (0, 250, 0, 8, 258, None)
    response = client.get(URL, params={**RANGE, "by": "agent"}, headers=cast.maya.headers)
    assert response.status_code == 422


def test_admins_set_the_costs_leads_read_them_and_a_change_is_recorded(
    client: TestClient, cast: Cast, database: Database
) -> None:
    fresh = client.get(COSTS, headers=cast.leo.headers)
    assert fresh.status_code == 200
    assert fresh.json()["sms_message"] == {"amount": 0, "currency": "USD"}
    assert client.put(COSTS, json=PRICES, headers=cast.maya.headers).status_code == 403
    assert client.get(COSTS, headers=cast.alice.headers).status_code == 403
    assert client.put(COSTS, json=PRICES, headers=cast.olivia.headers).status_code == 200
    assert client.get(COSTS, headers=cast.leo.headers).json() == PRICES
    with database.transaction() as session:
        [event] = session.scalars(select(Event).where(Event.kind == "cost.settings_changed"))
        assert event.data["after"]["tooling_month"] == 36500
        assert event.data["before"]["currency"] == "USD"
    # The same prices again change nothing and record nothing.
    assert client.put(COSTS, json=PRICES, headers=cast.olivia.headers).status_code == 200
    with database.transaction() as session:
        events = session.scalars(select(Event).where(Event.kind == "cost.settings_changed"))
        assert len(list(events)) == 1


def test_the_largest_amount_the_api_accepts_is_stored_whole(client: TestClient, cast: Cast) -> None:
    """MAX_MINOR (10^10) is past 2^31: a 32-bit column on PostgreSQL refused it."""
    large = {**PRICES, "tooling_month": eur(MAX_MINOR), "agent_hour": eur(2**31)}
    assert client.put(COSTS, json=large, headers=cast.olivia.headers).status_code == 200
    assert client.get(COSTS, headers=cast.leo.headers).json() == large
    too_large = {**PRICES, "tooling_month": eur(MAX_MINOR + 1)}
    assert client.put(COSTS, json=too_large, headers=cast.olivia.headers).status_code == 422


@pytest.mark.parametrize(
    ("change", "type_", "field"),
    [
        ({"sms_message": eur(-1)}, "invalid-request", "sms_message.amount"),
        ({"sms_message": eur(1, "eur")}, "invalid-request", "sms_message.currency"),
        ({"agent_hour": {"amount": 12.5, "currency": "EUR"}}, "invalid-request",
         "agent_hour.amount"),
        ({"per_call": eur(1)}, "invalid-request", "per_call"),
        ({"whatsapp_message": eur(5, "USD")}, "currency-mismatch", None),
    ],
)
def test_costs_the_report_could_not_add_up_are_precise_problems(
    client: TestClient, cast: Cast, change: dict[str, Any], type_: str, field: str | None
) -> None:
    response = client.put(COSTS, json={**PRICES, **change}, headers=cast.olivia.headers)
    assert response.status_code == 422
    problem = response.json()
    assert problem["type"].endswith("/" + type_)
    if field is not None:
        assert field in [e["field"] for e in problem["errors"]]
    else:
        assert "EUR, USD" in problem["detail"]
    # Nothing was stored.
    assert client.get(COSTS, headers=cast.leo.headers).json()["sms_message"]["currency"] == "USD"
