"""A shop's export into the built-in store, by CLI and admin API: every kind, natural keys
(twice is once), errors naming file, line and column with nothing half imported; and the
read API agents use for a customer's orders, payments and refunds."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound
from tests.desk.visibility_world import restrict
from tests.resolutions.shop import ANA, load_shop, shop_tables
from typer.testing import CliRunner

from minidesk import settings
from minidesk.cli import app
from minidesk.commerce.models import StoreCustomer, StoreOrder, StoreRefund
from minidesk.db import Database, utcnow


@pytest.fixture
def env(database: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    monkeypatch.setenv("MINIDESK_DATABASE_URL", settings.get_settings().database_url)
    monkeypatch.setenv("MINIDESK_SECRET_KEY", "test-secret-key-of-32-bytes-or-more")
    monkeypatch.setenv("MINIDESK_QUEUE_URL", "memory://")
    return database


def _write(directory: Path, tables: dict[str, list[dict[str, Any]]]) -> Path:
    directory.mkdir(exist_ok=True)
    for kind, rows in tables.items():
        with (directory / f"{kind}.csv").open("w", newline="", encoding="utf-8") as file:
            writer = csv.DictWriter(file, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return directory


def _count(database: Database, model: type[Any]) -> int:
    with database.sessions() as session:
        return int(session.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


def test_the_cli_imports_every_kind_and_a_second_run_changes_nothing(
    env: Database, tmp_path: Path
) -> None:
    folder = _write(tmp_path / "export", shop_tables(utcnow()))
    first = CliRunner().invoke(app, ["store", "import", str(folder)])
    assert first.exit_code == 0, first.output
    assert json.loads(first.output) == {
        "customers": 3,
        "orders": 8,
        "payments": 8,
        "refunds": 2,
        "shipments": 6,
        "cancellations": 1,
    }
    again = CliRunner().invoke(app, ["store", "import", str(folder)])
    assert again.exit_code == 0, again.output
    assert (_count(env, StoreOrder), _count(env, StoreRefund)) == (8, 2)
    with env.sessions() as session:
        ana = session.scalars(sa.select(StoreCustomer).where(StoreCustomer.ref == "c-ana")).one()
        assert ana.phone == "+15550102000"  # "(555) 010-2000" in the export
        desk = session.scalars(sa.select(StoreOrder).where(StoreOrder.number == "10234")).one()
        assert desk.items[0] == {"name": "Stacking toy", "quantity": 1, "unit_price_minor": 2499}


def test_a_bad_row_names_file_line_and_column_and_imports_nothing(
    env: Database, tmp_path: Path
) -> None:
    tables = shop_tables(utcnow())
    tables["payments"][2]["amount_minor"] = "30.00"  # line 4: header, then rows 2, 3, 4
    folder = _write(tmp_path / "export", tables)
    result = CliRunner().invoke(app, ["store", "import", str(folder)])
    assert result.exit_code == 2
    assert (
        "payments.csv line 4, column amount_minor: '30.00' is not a whole number of minor units"
        in result.output
    )
    assert "nothing was imported" in result.output
    assert (_count(env, StoreCustomer), _count(env, StoreOrder)) == (0, 0)


@pytest.mark.parametrize(
    ("kind", "index", "change", "message"),
    [
        ("orders", 0, {"customer_ref": "c-nobody"}, "column customer_ref: no customer c-nobody"),
        ("orders", 1, {"placed_at": "yesterday"}, "column placed_at: 'yesterday' is not an ISO"),
        ("payments", 0, {"status": "paid"}, "column status: 'paid' is not one of authorised"),
        ("refunds", 1, {"amount_minor": 9000}, "refunds on order 10238 would total 9000"),
        ("shipments", 0, {"order_number": "99999"}, "column order_number: no order 99999"),
        ("customers", 2, {"ref": ""}, "column ref: is empty"),
    ],
)
def test_the_api_refuses_a_bad_row_with_its_position(
    client: TestClient,
    cast: Cast,
    database: Database,
    kind: str,
    index: int,
    change: dict[str, Any],
    message: str,
) -> None:
    tables = shop_tables(utcnow())
    tables[kind][index].update(change)
    response = client.post("/api/v1/store/imports", json=tables, headers=cast.olivia.headers)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["error"]["file"] == f"{kind}.csv" and body["error"]["line"] == index + 1
    assert message in body["detail"]
    assert _count(database, StoreCustomer) == 0


def test_only_an_admin_imports(client: TestClient, cast: Cast) -> None:
    response = client.post(
        "/api/v1/store/imports", json=shop_tables(utcnow()), headers=cast.maya.headers
    )
    assert response.status_code == 403


def test_an_agent_reads_a_customers_orders_payments_and_refunds(
    client: TestClient, cast: Cast, database: Database
) -> None:
    load_shop(client, cast)
    ticket = inbound(client, cast.shop, "where is order 10239?", "m1", email=ANA)
    customer = client.get(f"/api/v1/tickets/{ticket['ticket_number']}", headers=cast.alice.headers)
    customer_id = customer.json()["customer_id"]
    page = client.get(f"/api/v1/customers/{customer_id}/orders", headers=cast.alice.headers)
    assert page.status_code == 200, page.text
    orders = {o["number"]: o for o in page.json()["items"]}
    assert set(orders) == {"10234", "10235", "10236", "10237", "10238", "10239"}
    lamp = orders["10238"]["payment"]
    assert (lamp["captured_minor"], lamp["refunded_minor"], lamp["refundable_minor"]) == (
        4000,
        3000,
        1000,
    )
    assert lamp["refunds"][0]["ref"] == "R-2" and lamp["refunds"][0]["reason"] == "goodwill"
    assert orders["10236"]["status"] == "cancelled" and orders["10236"]["cancelled_at"]
    assert orders["10234"]["items"][1] == {
        "name": "Bonsai kit",
        "quantity": 1,
        "unit_price_minor": 3999,
    }
    limited = client.get(
        f"/api/v1/customers/{customer_id}/orders", params={"limit": 4}, headers=cast.alice.headers
    ).json()
    rest = client.get(
        f"/api/v1/customers/{customer_id}/orders",
        params={"limit": 4, "cursor": limited["next_cursor"]},
        headers=cast.alice.headers,
    ).json()
    assert len(limited["items"]) == 4 and rest["next_cursor"] is None
    assert {o["number"] for o in limited["items"] + rest["items"]} == set(orders)
    # Restricted to their teams, an agent of another team does not see this customer at all.
    restrict(client, cast)
    hidden = client.get(f"/api/v1/customers/{customer_id}/orders", headers=cast.bob.headers)
    assert hidden.status_code == 404
