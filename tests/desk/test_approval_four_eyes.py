"""Four eyes: nobody decides an approval they had a hand in — not the agent who asked for it,
not the person whose token handed in the message the bot answered with it, not anyone who
spoke as the customer on its ticket."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from tests.conftest import Cast, Person, inbound, money_moved

from minidesk.db import Database

EMMA = "emma.garcia@example.com"  # the sample shop's customer with orders 1003 and 1007
FOUR_EYES = "https://minidesk.dev/problems/four-eyes"




def queue(client: TestClient, cast: Cast) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = client.get(
        "/api/v1/approvals", headers=cast.olivia.headers
    ).json()["items"]
    return items


def decide(client: TestClient, who: Person, approval: int, verdict: str = "approve") -> Any:
    return client.post(
        f"/api/v1/approvals/{approval}/{verdict}", json={"reason": "ok"}, headers=who.headers
    )


def test_the_person_behind_the_integration_that_raised_an_approval_cannot_decide_it(
    client: TestClient, cast: Cast, store: Database
) -> None:
    # An admin gave maya (a manager) an integration credential of her own.
    made = client.post(
        "/api/v1/integrations",
        json={"name": "mayas-app", "user_id": cast.maya.id},
        headers=cast.olivia.headers,
    ).json()
    as_app = Person(cast.maya.id, cast.maya.email, made["token"], cast.maya.role)
    number = inbound(client, as_app, "Please refund $300 for order 1007", "b1", email=EMMA)[
        "ticket_number"
    ]
    [approval] = queue(client, cast)
    assert approval["ticket_number"] == number
    assert approval["requested_via_user_id"] == cast.maya.id
    for verdict in ("approve", "decline"):
        refused = decide(client, cast.maya, approval["id"], verdict)
        assert refused.status_code == 403
        assert refused.json()["type"] == FOUR_EYES
    assert money_moved(store) == 0
    assert decide(client, cast.olivia, approval["id"]).status_code == 200
    assert money_moved(store) == 30000


def test_a_manager_who_spoke_as_the_customer_cannot_decide_the_escalation(
    client: TestClient, cast: Cast, store: Database
) -> None:
    inbound(client, cast.maya, "My lawyer will take you to court over order 1003", "l1", email=EMMA)
    [escalation] = queue(client, cast)
    assert escalation["kind"] == "escalation"
    refused = decide(client, cast.maya, escalation["id"], "decline")
    assert refused.status_code == 403 and refused.json()["type"] == FOUR_EYES
    assert decide(client, cast.olivia, escalation["id"], "decline").status_code == 200


def test_a_manager_cannot_approve_her_own_refund_request(
    client: TestClient, cast: Cast, store: Database
) -> None:
    number = inbound(client, cast.shop, "hello, about order 1007", "q1", email=EMMA)[
        "ticket_number"
    ]
    asked = client.post(
        f"/api/v1/tickets/{number}/refunds",
        json={"order_number": "1007", "amount_minor": 25_000},
        headers=cast.maya.headers,
    )
    assert asked.status_code == 202, asked.text
    approval = asked.json()["approval"]["id"]
    refused = decide(client, cast.maya, approval)
    assert refused.status_code == 403 and refused.json()["type"] == FOUR_EYES
    assert money_moved(store) == 0
