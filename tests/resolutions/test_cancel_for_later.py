"""A cancellation put off to a deadline is not one asked for now: "if it doesn't come by
Friday, I want to cancel 30001" cancelled Ben's unshipped order at once (the comma ended the
supposing phrase, and "please" made "if it isn't here by next week please cancel it" a
request), before the day the customer named. A condition with a deadline now reaches across
its comma, whatever the politeness; a condition on the present ("if it hasn't shipped yet,
cancel it") names no deadline and still cancels, as do "if possible" and "if you can",
which were read as supposing."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound
from tests.resolutions.conftest import kinds
from tests.resolutions.shop import BEN

from minidesk.db import Database
from minidesk.resolutions.framing import asked_for, supposed
from minidesk.triage import taxonomy

CANCEL = taxonomy.CANCEL_ORDER

FOR_LATER = [
    "if it doesn't come by Friday, I want to cancel 30001",
    "if 30001 isn't here by next week please cancel it",
    "if it does not arrive within 3 days I will cancel order 30001",
    "unless it ships before tomorrow, cancel 30001",
    "wenn es bis Montag nicht da ist, storniere ich 30001",
    "si no llega para el viernes, cancelen el pedido 30001",
    "si elle n'arrive pas avant lundi, j'annule la commande 30001",
    "se não chegar até sexta, quero cancelar a encomenda 30001",
]
NOW = [
    "if it hasn't shipped yet, cancel 30001",
    "if possible please cancel 30001 before it ships",
    "if you can, cancel 30001 by tomorrow",
    "I ordered by mistake. If possible cancel 30001",
    "It was due by Friday. If it hasn't shipped, cancel 30001",
    "if you could cancel 30001 before 5pm that would be great",
]


@pytest.mark.parametrize("text", FOR_LATER)
def test_a_cancellation_for_later_is_only_supposed(text: str) -> None:
    assert CANCEL not in asked_for(text)
    assert CANCEL in supposed(text)


@pytest.mark.parametrize("text", NOW)
def test_a_cancellation_for_now_is_asked_for(text: str) -> None:
    assert CANCEL in asked_for(text)
    assert CANCEL not in supposed(text)


@pytest.mark.parametrize("text", FOR_LATER[:2])
def test_the_order_waits_for_its_deadline(
    text: str, client: TestClient, cast: Cast, shop: Database
) -> None:
    number = int(str(inbound(client, cast.shop, text, "m1", email=BEN)["ticket_number"]))
    assert [k["kind"] for k in kinds(shop, number, "commerce.")] == []


def test_if_possible_still_cancels(client: TestClient, cast: Cast, shop: Database) -> None:
    text = "I ordered the wrong size. If possible cancel order 30001"
    number = int(str(inbound(client, cast.shop, text, "m1", email=BEN)["ticket_number"]))
    assert [k["kind"] for k in kinds(shop, number, "commerce.")] == ["commerce.cancel"]
