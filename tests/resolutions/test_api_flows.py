"""End to end through the API channel against the demo store."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound, money_moved
from tests.resolutions.conftest import EMMA, kinds, replies, templates, ticket

from minidesk.db import Database


def test_where_is_my_order_gets_tracking_in_one_reply(
    client: TestClient, cast: Cast, store: Database
) -> None:
    number = int(
        inbound(client, cast.shop, "where is my order 1001?", "m1", email=EMMA)["ticket_number"]
    )  # type: ignore[arg-type]
    texts = replies(store, number)
    assert len(texts) == 1
    assert "Your order #1001 is on its way with USPS, tracking number 1Z" in texts[0]
    # One call to action: the carrier's tracking page for that number.
    assert texts[0].count("https://") == 1
    assert "Follow it here: https://tools.usps.com/go/TrackConfirmAction?tLabels=1Z" in texts[0]
    assert templates(store, number) == ["order_status"]
    done = ticket(store, number)
    assert done.status == "solved" and done.resolution == "auto" and done.turns == 1


def test_a_25_dollar_refund_completes_after_yes_refund(
    client: TestClient, cast: Cast, store: Database
) -> None:
    first = inbound(
        client, cast.shop, "I want a refund of $25 for order 1003", "r1", email=EMMA, thread="t"
    )
    number = int(first["ticket_number"])  # type: ignore[arg-type]
    [offer] = replies(store, number)
    assert "We can refund $25.00 for order #1003" in offer
    assert "Reply YES REFUND to confirm $25.00 to your Visa ending 4242." in offer
    assert offer.count("YES REFUND") == 1
    assert money_moved(store) == 0
    inbound(client, cast.shop, "yes refund, thanks", "r2", email=EMMA, thread="t")
    assert money_moved(store) == 2500
    assert "refunded $25.00 for order #1003 to your Visa ending 4242" in replies(store, number)[-1]
    assert templates(store, number) == ["refund_offer", "refund_done"]
    moved = kinds(store, number, "commerce.")
    assert [e["rule"] for e in moved] == ["refund.auto_max"]
    done = ticket(store, number)
    assert done.resolution == "auto" and done.turns == 2


def test_a_300_dollar_refund_waits_for_a_manager_and_moves_nothing(
    client: TestClient, cast: Cast, store: Database
) -> None:
    number = int(
        inbound(client, cast.shop, "Please refund $300 for order 1007", "b1", email=EMMA)[
            "ticket_number"
        ]
    )  # type: ignore[arg-type]
    assert money_moved(store) == 0
    queue = client.get("/api/v1/approvals", headers=cast.maya.headers).json()["items"]
    assert [(a["ticket_number"], a["amount_minor"], a["rule"]) for a in queue] == [
        (number, 30000, "refund.senior_approval")
    ]
    approval = queue[0]["id"]
    answer = client.post(
        f"/api/v1/approvals/{approval}/approve",
        json={"reason": "long-standing customer"},
        headers=cast.maya.headers,
    )
    assert answer.status_code == 200, answer.text
    assert money_moved(store) == 30000
    assert "refund of $300.00 for order #1007 has been approved" in replies(store, number)[-1]
    assert "Amex ending 0005" in replies(store, number)[-1]
    assert templates(store, number) == ["refund_review", "approval_granted"]


def test_an_agent_without_refund_permission_gets_403(
    client: TestClient, cast: Cast, store: Database
) -> None:
    number = inbound(client, cast.shop, "hello, question about order 1003", "p1", email=EMMA)[
        "ticket_number"
    ]
    response = client.post(
        f"/api/v1/tickets/{number}/refunds",
        json={"order_number": "1003", "amount_minor": 1000, "currency": "USD"},
        headers=cast.alice.headers,
    )
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert money_moved(store) == 0
