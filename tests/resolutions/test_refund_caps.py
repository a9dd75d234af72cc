"""The bot's refunds add up: a total per order and per customer over a rolling window, with
offers still waiting on other tickets counted, and each one on the goodwill ledger."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from fastapi.testclient import TestClient
from sqlalchemy import select, update
from tests.conftest import Cast, inbound, money_moved
from tests.resolutions.conftest import EMMA, kinds, ticket

from minidesk.db import Database
from minidesk.policies.models import LedgerSource, LedgerStatus, SpendEntry


def ask(client: TestClient, cast: Cast, text: str, conversation: str) -> int:
    body = inbound(client, cast.shop, text, f"{conversation}-1", email=EMMA, thread=conversation)
    return int(body["ticket_number"])  # type: ignore[arg-type]


def confirm(client: TestClient, cast: Cast, conversation: str) -> None:
    inbound(client, cast.shop, "YES REFUND", f"{conversation}-2", email=EMMA, thread=conversation)


def round_trip(client: TestClient, cast: Cast, amount: str, order: str, conversation: str) -> int:
    """Ask for ``amount`` back on ``order`` and answer the offer (if any) with the token."""
    number = ask(client, cast, f"I want a refund of {amount} for order {order}", conversation)
    confirm(client, cast, conversation)
    return number


def decided(database: Database, number: int) -> list[str]:
    return [e["rule"] for e in kinds(database, number, "policy.decided")]


def test_seven_fifty_dollar_rounds_refund_no_more_than_the_caps(
    client: TestClient, cast: Cast, store: Database
) -> None:
    orders = ["1007", "1012", "1003", "1007", "1012", "1001", "1007"]
    numbers = [round_trip(client, cast, "$50", o, f"c{i}") for i, o in enumerate(orders)]
    # $50.00 per order and $100.00 per customer in 30 days: two rounds, then people.
    assert money_moved(store) == 10_000
    for number in numbers[2:]:
        assert "refund-review" in ticket(store, number).tags
        assert {"refund.customer_cap", "refund.order_cap"} & set(decided(store, number))


def test_the_order_total_may_reach_the_cap_but_not_a_cent_more(
    client: TestClient, cast: Cast, store: Database
) -> None:
    round_trip(client, cast, "$30", "1003", "a")
    round_trip(client, cast, "$20", "1003", "b")  # $50.00 in all: exactly the cap
    assert money_moved(store) == 5_000
    over = round_trip(client, cast, "$0.01", "1003", "c")
    assert money_moved(store) == 5_000
    assert "refund.order_cap" in decided(store, over)
    assert "refund-review" in ticket(store, over).tags


def test_the_customer_total_rolls_over_after_the_window(
    client: TestClient, cast: Cast, store: Database
) -> None:
    round_trip(client, cast, "$50", "1007", "a")
    round_trip(client, cast, "$50", "1012", "b")  # $100.00: exactly the customer cap
    over = round_trip(client, cast, "$0.01", "1001", "c")
    assert "refund.customer_cap" in decided(store, over)
    assert money_moved(store) == 10_000
    with store.transaction() as session:
        month_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=30, minutes=1)
        session.execute(update(SpendEntry).values(created_at=month_ago, settled_at=month_ago))
    round_trip(client, cast, "$0.01", "1001", "d")
    assert money_moved(store) == 10_001


def test_offers_waiting_on_other_tickets_count(
    client: TestClient, cast: Cast, store: Database
) -> None:
    waiting = ask(client, cast, "I want a refund of $30 for order 1003", "a")
    second = ask(client, cast, "I want a refund of $25 for order 1003", "b")
    # $30.00 offered and not yet confirmed + $25.00 would pass $50.00 on that order.
    assert "refund.order_cap" in decided(store, second)
    assert "refund-review" in ticket(store, second).tags
    confirm(client, cast, "a")
    assert money_moved(store) == 3_000
    with store.sessions() as session:
        [entry] = session.scalars(select(SpendEntry)).all()
        assert (entry.source, entry.status, entry.user_id) == (
            LedgerSource.BOT,
            LedgerStatus.REFUNDED,
            None,
        )
        assert (entry.ticket_id, entry.order_number, entry.amount_minor) == (waiting, "1003", 3000)
        assert entry.customer_ref is not None and entry.refund_ref
        assert entry.settled_at is not None


def test_an_agents_refund_is_on_the_ledger_with_the_customer(
    client: TestClient, cast: Cast, store: Database
) -> None:
    number = ask(client, cast, "hello, a question about order 1003", "q")
    response = client.post(
        f"/api/v1/tickets/{number}/refunds",
        json={"order_number": "1003", "amount_minor": 1_500},
        headers=cast.leo.headers,
    )
    assert response.status_code == 201, response.text
    with store.sessions() as session:
        [entry] = session.scalars(select(SpendEntry)).all()
        assert (entry.source, entry.status, entry.user_id) == (
            LedgerSource.AGENT,
            LedgerStatus.REFUNDED,
            cast.leo.id,
        )
        assert entry.customer_ref is not None and entry.refund_ref == response.json()["refund"]


def test_an_approved_refund_is_on_the_ledger_on_nobodys_day_budget(
    client: TestClient, cast: Cast, store: Database
) -> None:
    ask(client, cast, "Please refund $300 for order 1007", "big")
    [approval] = client.get("/api/v1/approvals", headers=cast.maya.headers).json()["items"]
    approved = client.post(
        f"/api/v1/approvals/{approval['id']}/approve",
        json={"reason": "long-standing customer"},
        headers=cast.maya.headers,
    )
    assert approved.status_code == 200, approved.text
    with store.sessions() as session:
        [entry] = session.scalars(select(SpendEntry)).all()
        assert (entry.source, entry.user_id, entry.amount_minor) == (
            LedgerSource.APPROVAL,
            None,
            30_000,
        )


def test_a_cancellations_refund_is_on_the_ledger_and_counts_against_no_cap(
    client: TestClient, cast: Cast, store: Database
) -> None:
    ask(client, cast, "Please cancel order 1002", "cancel")  # $42.50 captured, not shipped
    round_trip(client, cast, "$50", "1007", "a")
    round_trip(client, cast, "$50", "1012", "b")
    assert money_moved(store) == 4_250 + 10_000
    with store.sessions() as session:
        sources = Counter(session.scalars(select(SpendEntry.source)))
        assert sources == Counter({LedgerSource.CANCELLATION: 1, LedgerSource.BOT: 2})
