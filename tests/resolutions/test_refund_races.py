"""Refunds fired at once cannot each pass a check that only holds for one of them: the day
budget, the refundable balance and the bot's cumulative caps hold under 20 parallel refunds.

Each request runs in its own thread with its own session and transaction (the app's own
request handling), so on PostgreSQL they really overlap; on SQLite the single writer already
serialises them, and the same assertions hold.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from tests.conftest import ON_POSTGRES, Cast, Person, inbound
from tests.resolutions.conftest import EMMA

from minidesk.commerce.models import StoreOrder, StorePayment, StoreRefund
from minidesk.db import Database
from minidesk.policies.ledger import lock_accounts
from minidesk.policies.models import SpendEntry

PARALLEL = 20


def at_once(calls: list[Callable[[], int]]) -> Counter[int]:
    """Run ``calls`` in as many threads, released together; the status codes they return."""
    start = threading.Barrier(len(calls))

    def run(call: Callable[[], int]) -> int:
        start.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return Counter(pool.map(run, calls))


def refunded_on(database: Database, order: str) -> int:
    with database.sessions() as session:
        total = session.scalar(
            select(func.coalesce(func.sum(StoreRefund.amount_minor), 0))
            .join(StorePayment, StorePayment.id == StoreRefund.payment_id)
            .join(StoreOrder, StoreOrder.id == StorePayment.order_id)
            .where(StoreOrder.number == order)
        )
        return int(total or 0)


def on_the_ledger(database: Database) -> int:
    with database.sessions() as session:
        return int(session.scalar(select(func.coalesce(func.sum(SpendEntry.amount_minor), 0))))


def agent_refund(client: TestClient, who: Person, number: int, order: str, cents: int) -> int:
    response = client.post(
        f"/api/v1/tickets/{number}/refunds",
        json={"order_number": order, "amount_minor": cents},
        headers=who.headers,
    )
    return response.status_code


def emma_ticket(client: TestClient, cast: Cast) -> int:
    body = inbound(client, cast.shop, "a question about my orders", "q", email=EMMA)
    return int(body["ticket_number"])  # type: ignore[arg-type]


def test_twenty_parallel_refunds_stay_within_leos_day_budget(
    client: TestClient, cast: Cast, store: Database
) -> None:
    number = emma_ticket(client, cast)
    # Leo (lead): $200.00 per refund, $100.00 a day; order 1007 has $350.00 to refund.
    codes = at_once([lambda: agent_refund(client, cast.leo, number, "1007", 1_000)] * PARALLEL)
    assert codes == Counter({201: 10, 202: 10})  # ten within budget, ten asking approval
    assert refunded_on(store, "1007") == 10_000
    assert on_the_ledger(store) == 10_000


def test_twenty_parallel_refunds_stay_within_the_balance(
    client: TestClient, cast: Cast, store: Database
) -> None:
    number = emma_ticket(client, cast)
    # Maya (manager): $500.00 a day; order 1003 has $89.00 to refund: eight $10.00 refunds.
    codes = at_once([lambda: agent_refund(client, cast.maya, number, "1003", 1_000)] * PARALLEL)
    assert codes == Counter({201: 8, 409: 12})
    assert refunded_on(store, "1003") == 8_000
    assert on_the_ledger(store) == 8_000


def test_twenty_parallel_confirmations_stay_within_the_automatic_caps(
    client: TestClient, cast: Cast, store: Database
) -> None:
    # Twenty conversations each ask for $10.00 back on order 1003 at once, then all confirm
    # at once: $50.00 per order automatically, whatever the interleaving.
    def ask(index: int) -> Callable[[], int]:
        text = "I want a refund of $10 for order 1003"
        return lambda: post_as_emma(client, cast, text, f"ask-{index}", f"conv-{index}")

    def confirm(index: int) -> Callable[[], int]:
        return lambda: post_as_emma(client, cast, "YES REFUND", f"yes-{index}", f"conv-{index}")

    assert at_once([ask(i) for i in range(PARALLEL)]) == Counter({202: PARALLEL})
    assert at_once([confirm(i) for i in range(PARALLEL)]) == Counter({202: PARALLEL})
    assert refunded_on(store, "1003") == 5_000
    assert on_the_ledger(store) == 5_000


def post_as_emma(client: TestClient, cast: Cast, text: str, key: str, thread: str) -> int:
    body = {"customer": {"email": EMMA}, "text": text, "external_id": key, "thread": thread}
    response = client.post("/api/v1/inbound/messages", json=body, headers=cast.shop.headers)
    return response.status_code


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite's write lock: PostgreSQL locks the accounts")
def test_on_sqlite_a_refund_check_refuses_to_run_outside_a_write_transaction(
    database: Database,
) -> None:
    # A deferred (read) transaction could read a total another writer then changes.
    with database.sessions() as session, pytest.raises(RuntimeError, match="write transaction"):
        lock_accounts(session, "order:1003")
    with database.transaction() as session:
        lock_accounts(session, "order:1003")
