"""A message with two requests never has one silently dropped: "cancel 10239 and send me the
invoice for 10234" goes to a person with both requests in the note, and the customer is
told a person follows up; nothing moves on half of it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound
from tests.resolutions.conftest import kinds, replies, templates
from tests.resolutions.shop import ANA, load_shop

from minidesk.db import Database
from minidesk.resolutions.facts import choose_flow
from minidesk.triage import taxonomy

TWO = [
    "cancel order 10239 and send me the invoice for 10234",
    "Please send me the invoice for 10234, and also cancel 10239",
    "cancela el pedido 10239 y mándame la factura del 10234",
]


@pytest.fixture
def shop(client: TestClient, cast: Cast, database: Database) -> Database:
    load_shop(client, cast)
    return database


@pytest.mark.parametrize("text", TWO)
def test_two_requests_go_to_a_person_together(
    text: str, client: TestClient, cast: Cast, shop: Database
) -> None:
    number = int(str(inbound(client, cast.shop, text, "m1", email=ANA)["ticket_number"]))
    assert kinds(shop, number, "commerce.") == []
    [handed] = kinds(shop, number, "resolution.handed_off")
    assert handed["rule"] == "requests.several"
    assert "cancel_order" in handed["reason"] and "invoice" in handed["reason"]
    assert templates(shop, number) == ["handoff"]
    assert replies(shop, number)


@pytest.mark.parametrize(
    "intent", [taxonomy.INVOICE, taxonomy.CANCEL_ORDER, taxonomy.ORDER_STATUS, "unknown"]
)
def test_whatever_the_model_read_two_actions_choose_no_one_flow(intent: str) -> None:
    choice = choose_flow(intent, 0.9, TWO[0], has_order=True)
    assert (choice.flow, choice.several) == (None, (taxonomy.CANCEL_ORDER, taxonomy.INVOICE))


def test_cancel_and_refund_is_one_request() -> None:
    text = "cancel 10239 and refund me"
    choice = choose_flow(taxonomy.CANCEL_ORDER, 0.9, text, has_order=True)
    assert (choice.flow, choice.several) == (taxonomy.CANCEL_ORDER, ())
