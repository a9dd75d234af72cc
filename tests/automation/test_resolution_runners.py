"""The built-ins use the extension points: every resolution flow a rule can start is a
registered runner, and the built-in store answers the ``lifetime_value`` condition."""

from __future__ import annotations

import importlib

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Cast, inbound
from tests.resolutions.conftest import EMMA, LIAM, kinds, replies, templates, ticket

from minidesk import features
from minidesk.automation.actions import resolution_runners
from minidesk.automation.conditions import lifetime_value_sources
from minidesk.automation.engine import evaluate
from minidesk.automation.facts import gather
from minidesk.commerce.lifetime import builtin_lifetime_value
from minidesk.commerce.models import StoreCustomer, StoreOrder, StorePayment, StoreRefund
from minidesk.db import Database, utcnow
from minidesk.desk.models import Ticket
from minidesk.triage.analyse import UNKNOWN_INTENT

PARCEL_RULE = {
    "name": "Parcel questions get tracking",
    "event": "message.received",
    "conditions": [{"type": "text", "words": ["parcel"]}],
    "actions": [{"type": "run_resolution", "resolution": "order_status"}],
}


def test_every_flow_a_rule_can_start_is_registered() -> None:
    features.load_listeners()
    expected = {
        "order_status",
        "refund",
        "cancel_order",
        "address_change",
        "return",
        "password_reset",
        "invoice",
    }
    assert expected <= set(resolution_runners)
    assert builtin_lifetime_value in lifetime_value_sources


def test_a_rule_runs_the_tracking_flow_the_intent_model_missed(
    client: TestClient, cast: Cast, store: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The model misses it: "unknown", with a best guess that is no status question. Pinned
    # here, not left to wording: the shipped model reads this very message right.
    def missed(fulls: list[str]) -> list[tuple[str, float, str, dict[str, object]]]:
        return [(UNKNOWN_INTENT, 0.05, "pinned", {"best_guess": "contact_support"}) for _ in fulls]

    # (``minidesk.triage.analyse`` the attribute is the function; the module is this one.)
    monkeypatch.setattr(importlib.import_module("minidesk.triage.analyse"), "_predict", missed)
    created = client.post("/api/v1/rules", json=PARCEL_RULE, headers=cast.maya.headers)
    assert created.status_code == 201, created.text
    number = int(
        inbound(
            client,
            cast.shop,
            "Could you look into my parcel for order #1001 please",
            "p1",
            email=EMMA,
        )["ticket_number"]
    )
    # The model reads "unknown" (the engine hands off), then the shop's rule knows better.
    assert templates(store, number) == ["handoff", "order_status"]
    assert "tracking number 1Z" in replies(store, number)[-1]
    done = ticket(store, number)
    assert done.resolution == "auto" and "handoff" not in done.tags
    [fired] = kinds(store, number, "rule.fired")
    assert fired["actions"][0]["result"]["ran"] is True


def test_a_rule_cannot_take_back_a_conversation_a_person_owns(
    client: TestClient, cast: Cast, store: Database
) -> None:
    assert client.post("/api/v1/rules", json=PARCEL_RULE, headers=cast.maya.headers).is_success
    text = "Could you look into my parcel for order #1001, I want to talk to a real person"
    number = int(inbound(client, cast.shop, text, "p2", email=EMMA)["ticket_number"])
    assert templates(store, number) == ["handoff"]
    [fired] = kinds(store, number, "rule.fired")
    assert fired["actions"][0]["result"] == {"ran": False, "why": "a person owns this conversation"}


def spent(database: Database, email: str) -> int:
    """Captured minus refunded over the customer's orders, counted the slow obvious way."""
    with database.sessions() as session:
        payments = session.scalars(
            select(StorePayment)
            .join(StoreOrder)
            .join(StoreCustomer)
            .where(StoreCustomer.email == email, StorePayment.status == "captured")
        )
        total = 0
        for payment in payments:
            refunds = session.scalars(
                select(StoreRefund.amount_minor).where(StoreRefund.payment_id == payment.id)
            )
            total += payment.captured_minor - sum(refunds)
        return total


def test_lifetime_value_matches_a_vip_spending_customer(
    client: TestClient, cast: Cast, store: Database
) -> None:
    emma_value, liam_value = spent(store, EMMA), spent(store, LIAM)
    assert emma_value > liam_value > 0
    vip = [{"type": "lifetime_value", "at_least": emma_value}]
    emma = int(inbound(client, cast.shop, "hello", "v1", email=EMMA)["ticket_number"])
    liam = int(inbound(client, cast.shop, "hello", "v2", email=LIAM)["ticket_number"])
    stranger = int(
        inbound(client, cast.shop, "hello", "v3", email="new@example.com")["ticket_number"]
    )
    with store.sessions() as session:

        def matches(number: int) -> object:
            facts = gather(session, session.get_one(Ticket, number), None, utcnow())
            return evaluate(facts, vip)[1][0]["result"]

        assert matches(emma) is True
        assert matches(liam) is False
        assert matches(stranger) == "unknown"  # no store account: never matches
        customer_id = session.get_one(Ticket, emma).customer_id
        assert builtin_lifetime_value(session, customer_id, "USD") == emma_value
        assert builtin_lifetime_value(session, customer_id, "EUR") == 0


def test_a_refund_lowers_the_lifetime_value(
    client: TestClient, cast: Cast, store: Database
) -> None:
    before = spent(store, EMMA)
    inbound(
        client, cast.shop, "I want a refund of $25 for order 1003", "l1", email=EMMA, thread="l"
    )
    inbound(client, cast.shop, "YES REFUND", "l2", email=EMMA, thread="l")
    with store.sessions() as session:
        number = session.scalars(select(Ticket.id).order_by(Ticket.id.desc())).first()
        assert number is not None
        customer_id = session.get_one(Ticket, number).customer_id
        assert builtin_lifetime_value(session, customer_id, "USD") == before - 2_500
