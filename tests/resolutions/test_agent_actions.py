"""An agent's store actions through the API: identity checks, caps adding up, one idempotency
key acting once, team restriction and roles."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from tests.conftest import Cast, Person, money_moved
from tests.desk.visibility_world import restrict
from tests.resolutions.test_agent_refunds import ticket_for_emma

from minidesk.commerce.connector import ActionKind
from minidesk.commerce.models import StoreOperation
from minidesk.commerce.money import Money
from minidesk.db import Database, commit
from minidesk.desk.models import Ticket, User
from minidesk.events import Event
from minidesk.policies.agent_actions import (
    ActionOutcome,
    ActionRequest,
    IdentityCheck,
    do_agent_action,
)
from minidesk.policies.models import Approval, SpendEntry

CHECKED = ["email_matches_order", "verified_sender", "last4_confirmed"]


def act(
    client: TestClient, who: Person, number: int, action: str, key: str, **body: Any
) -> httpx.Response:
    return client.post(
        f"/api/v1/tickets/{number}/actions/{action}",
        json={"idempotency_key": key, **body},
        headers=who.headers,
    )


def refund(
    client: TestClient, who: Person, number: int, key: str, cents: int, order: str = "1003"
) -> httpx.Response:
    return act(
        client, who, number, "refund", key,
        order_number=order, amount_minor=cents, identity_checks=CHECKED, reason="cracked",
    )  # fmt: skip


def test_leo_refunds_within_his_cap_and_a_replay_moves_money_once(
    client: TestClient, cast: Cast, store: Database
) -> None:
    number = ticket_for_emma(client, cast)
    first = refund(client, cast.leo, number, "form-0001", 2_500)
    assert first.status_code == 201, first.text
    assert first.json()["status"] == "done" and first.json()["rule"] == "agent.within_limits"
    again = refund(client, cast.leo, number, "form-0001", 2_500)
    assert again.status_code == 200 and again.json()["replayed"] is True
    assert again.json()["ref"] == first.json()["ref"]
    assert money_moved(store) == 2_500
    with store.sessions() as session:
        assert session.scalar(select(func.count()).select_from(SpendEntry)) == 1
        decided = session.scalars(select(Event).where(Event.kind == "policy.decided")).all()
        assert [e.data["facts"]["identity_checks"] for e in decided] == [sorted(CHECKED)]


def test_a_sensitive_action_needs_every_identity_check(
    client: TestClient, cast: Cast, store: Database
) -> None:
    number = ticket_for_emma(client, cast)
    half = act(
        client, cast.leo, number, "refund", "form-0002",
        order_number="1003", amount_minor=1_000, identity_checks=["verified_sender"],
    )  # fmt: skip
    assert half.status_code == 409 and half.json()["rule"] == "identity.unchecked"
    assert "last4_confirmed" in half.json()["detail"]
    reset = act(client, cast.leo, number, "password_reset", "form-0003")
    assert reset.status_code == 409 and reset.json()["rule"] == "identity.unchecked"
    assert money_moved(store) == 0
    # The refused key was not spent: the same form, ticked this time, goes through.
    assert refund(client, cast.leo, number, "form-0002", 1_000).status_code == 201


def test_refunds_add_up_against_the_day_budget(
    client: TestClient, cast: Cast, store: Database
) -> None:
    number = ticket_for_emma(client, cast)  # leo: $200 cap per refund, $100 a day
    assert refund(client, cast.leo, number, "form-0004", 6_000).status_code == 201
    over = refund(client, cast.leo, number, "form-0005", 4_001, order="1007")
    assert over.status_code == 202, over.text
    assert (
        over.json()["status"] == "approval_requested"
        and over.json()["rule"] == "agent.daily_budget"
    )
    twice = refund(client, cast.leo, number, "form-0005", 4_001, order="1007")
    assert twice.status_code == 200 and twice.json()["approval_id"] == over.json()["approval_id"]
    with store.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Approval)) == 1
    assert money_moved(store) == 6_000


def test_cancel_once_per_key_and_a_key_is_for_one_action(
    client: TestClient, cast: Cast, store: Database
) -> None:
    number = ticket_for_emma(client, cast)
    done = act(client, cast.alice, number, "cancel", "form-0006", order_number="1002")
    assert done.status_code == 201 and done.json()["rule"] == "cancel.not_shipped", done.text
    assert act(client, cast.alice, number, "cancel", "form-0006", order_number="1002").json()[
        "replayed"
    ]
    reused = act(client, cast.alice, number, "invoice", "form-0006", order_number="1002")
    assert reused.status_code == 409 and reused.json()["rule"] == "idempotency.reused"
    again = act(client, cast.alice, number, "cancel", "form-0007", order_number="1002")
    assert again.status_code == 409 and again.json()["rule"] == "cancel.already"
    with store.sessions() as session:
        assert session.scalar(select(func.count()).select_from(StoreOperation)) == 1


def test_policy_refusals_and_other_customers_orders(
    client: TestClient, cast: Cast, store: Database
) -> None:
    number = ticket_for_emma(client, cast)
    shipped = act(client, cast.alice, number, "cancel", "form-0008", order_number="1003")
    assert shipped.status_code == 409 and shipped.json()["rule"] == "cancel.shipped"
    liams = act(client, cast.alice, number, "invoice", "form-0009", order_number="1004")
    assert liams.status_code == 409 and liams.json()["rule"] == "order.not_yours"
    no_order = act(client, cast.alice, number, "reship", "form-0010")
    assert no_order.status_code == 409 and no_order.json()["rule"] == "order.missing"
    bad = act(client, cast.alice, number, "teleport", "form-0011", order_number="1003")
    assert bad.status_code == 422
    short_key = act(client, cast.alice, number, "invoice", "k", order_number="1003")
    assert short_key.status_code == 422


def test_an_address_change_and_a_return_authorisation(
    client: TestClient, cast: Cast, store: Database
) -> None:
    number = ticket_for_emma(client, cast)
    address = {"line1": "12 Harbour Road", "city": "Leith", "postcode": "EH6 6LB", "country": "GB"}
    moved = act(
        client, cast.alice, number, "change_address", "form-0012",
        order_number="1002", address=address, identity_checks=CHECKED,
    )  # fmt: skip
    assert moved.status_code == 201, moved.text
    customer = client.get(f"/api/v1/tickets/{number}", headers=cast.alice.headers).json()[
        "customer_id"
    ]
    orders = client.get(f"/api/v1/customers/{customer}/orders", headers=cast.alice.headers)
    shipping = {o["number"]: o["shipping_address"] for o in orders.json()["items"]}["1002"]
    assert shipping["line1"] == "12 Harbour Road"
    rma = act(client, cast.alice, number, "return_authorisation", "form-0013", order_number="1003")
    assert rma.status_code == 201 and rma.json()["rule"] == "return.window", rma.text


def test_alice_without_refund_permission_is_forbidden(
    client: TestClient, cast: Cast, store: Database
) -> None:
    number = ticket_for_emma(client, cast)
    assert refund(client, cast.alice, number, "form-0014", 1_000).status_code == 403
    assert money_moved(store) == 0


def test_an_agent_of_another_team_cannot_act_on_a_restricted_ticket(
    client: TestClient, cast: Cast, store: Database
) -> None:
    number = ticket_for_emma(client, cast)
    moved = client.patch(
        f"/api/v1/tickets/{number}",
        json={"team_id": cast.support_team},
        headers=cast.olivia.headers,
    )
    assert moved.status_code == 200, moved.text
    restrict(client, cast)
    bob = act(client, cast.bob, number, "invoice", "form-0015", order_number="1003")
    assert bob.status_code == 404
    assert bob.json()["detail"] == f"ticket {number} does not exist or is not visible to you"
    assert (
        act(client, cast.alice, number, "invoice", "form-0015", order_number="1003").status_code
        == 201
    )


def test_two_concurrent_posts_of_one_key_refund_once(
    client: TestClient, cast: Cast, store: Database
) -> None:
    number = ticket_for_emma(client, cast)
    start = threading.Barrier(2)

    def post() -> ActionOutcome:
        start.wait()
        with store.write_sessions() as session:
            ticket = session.get_one(Ticket, number)
            leo = session.get_one(User, cast.leo.id)
            wanted = ActionRequest(
                ActionKind.REFUND,
                "form-twins",
                order_number="1003",
                amount=Money(1_500, "USD"),
                identity_checks=frozenset(IdentityCheck),
            )
            outcome = do_agent_action(session, leo, ticket, wanted)
            commit(session)
            return outcome

    with ThreadPoolExecutor(2) as pool:
        outcomes = list(pool.map(lambda _: post(), range(2)))
    assert sorted(o.replayed for o in outcomes) == [False, True]
    assert outcomes[0].ref == outcomes[1].ref
    assert money_moved(store) == 1_500
