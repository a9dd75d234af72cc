"""Before any action the flow checks that what the customer asked and the order's facts
agree: whatever the intent model read, no action nobody asked for."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound, money_moved
from tests.resolutions.conftest import kinds, replies, templates, ticket
from tests.resolutions.shop import ANA, BEN

from minidesk.db import Database
from minidesk.resolutions.facts import choose_flow
from minidesk.triage import taxonomy


def _number(body: dict[str, object]) -> int:
    return int(str(body["ticket_number"]))


def _actions(database: Database, number: int) -> list[str]:
    return [e["kind"] for e in kinds(database, number, "commerce.")]


def test_a_late_board_game_gets_a_reship_not_an_invoice(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    text = (
        "The board game from order 10235 was promised for Saturday the 14th, six days later "
        "still nothing"
    )
    number = _number(inbound(client, cast.shop, text, "m1", email=ANA))
    assert templates(shop, number) == ["reship_notice"]
    assert "business days late" in replies(shop, number)[0]
    assert _actions(shop, number) == ["commerce.reship"]


def test_a_full_refund_over_200_waits_for_a_manager_and_is_never_a_return(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    text = "I'd like a full refund of order 10237 please"
    number = _number(inbound(client, cast.shop, text, "m1", email=ANA))
    assert templates(shop, number) == ["refund_review"]
    assert "$210.00" in replies(shop, number)[0]
    assert _actions(shop, number) == [] and money_moved(shop) == 6000  # the two past refunds
    approvals = client.get("/api/v1/approvals", headers=cast.maya.headers).json()["items"]
    assert [a["order_number"] for a in approvals] == ["10237"]
    assert "approval-pending" in ticket(shop, number).tags


def test_please_cancel_voids_an_authorised_payment(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    number = _number(inbound(client, cast.shop, "please cancel order 30001", "m1", email=BEN))
    assert templates(shop, number) == ["cancel_voided"]
    assert ticket(shop, number).resolution == "auto"


def test_a_negated_cancel_is_not_a_cancellation(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    text = "I don't want to cancel order 30001, just tell me when it ships"
    number = _number(inbound(client, cast.shop, text, "m1", email=BEN))
    assert templates(shop, number) == ["order_not_shipped"]
    assert _actions(shop, number) == []


# The model's reading (intent, confidence) against the words; the flow that may run.
CASES = [
    # An invoice goes out only when the message asks for one.
    (
        taxonomy.INVOICE,
        0.95,
        "order 10235 promised the 14th, six days later still nothing",
        taxonomy.ORDER_STATUS,
    ),
    (taxonomy.INVOICE, 0.95, "what happened with 10234", None),
    (taxonomy.INVOICE, 0.40, "can I get the receipt for 10234", taxonomy.INVOICE),
    # Refund words beat a return reading; both together are a return.
    (taxonomy.RETURN, 0.90, "I'd like a full refund of the order please", taxonomy.REFUND),
    (taxonomy.RETURN, 0.90, "I want to return it and get a refund", taxonomy.RETURN),
    (taxonomy.REFUND, 0.90, "cancel it and refund me", taxonomy.CANCEL_ORDER),
    # A late or missing parcel is a status question whatever the model says.
    (taxonomy.RETURN, 0.80, "it's been late for a week, where is it?", taxonomy.ORDER_STATUS),
    (taxonomy.ORDER_LATE, 0.70, "Meine Bestellung ist verspätet", taxonomy.ORDER_STATUS),
    ("unknown", 0.05, "¿Dónde está mi pedido? Todavía no ha llegado", taxonomy.ORDER_STATUS),
    # Words name the action even when the model is unsure of it.
    (taxonomy.CANCEL_ORDER, 0.44, "please cancel order 10234", taxonomy.CANCEL_ORDER),
    ("unknown", 0.10, "je voudrais annuler ma commande", taxonomy.CANCEL_ORDER),
    # The model alone: above the flow's floor and on a named order only.
    (taxonomy.CANCEL_ORDER, 0.95, "I changed my mind about 10234", taxonomy.CANCEL_ORDER),
    (taxonomy.CANCEL_ORDER, 0.95, "I changed my mind", None),
    (taxonomy.CANCEL_ORDER, 0.45, "I changed my mind about 10234", None),
    (taxonomy.ORDER_STATUS, 0.40, "what about 10234", taxonomy.ORDER_STATUS),
    # Under the floor the reading is a guess: enough for status on the customer's own order
    # (which then never reships), not without one.
    (taxonomy.ORDER_STATUS, 0.30, "what about 10234", taxonomy.ORDER_STATUS),
    (taxonomy.ORDER_STATUS, 0.30, "what about it", None),
    # An email address is not a delivery address; several actions with no lead: a person.
    (taxonomy.ACCOUNT_EDIT, 0.90, "change my email address", None),
    ("unknown", 0.10, "cancel the order or change the address", None),
]


@pytest.mark.parametrize(("intent", "confidence", "text", "flow"), CASES)
def test_the_flow_follows_the_words_and_the_facts(
    intent: str, confidence: float, text: str, flow: str | None
) -> None:
    has_order = any(ch.isdigit() for ch in text)
    assert choose_flow(intent, confidence, text, has_order=has_order).flow == flow
