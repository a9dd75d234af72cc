""" "Where are 10239 and 10234?" asks where several parcels are: "where are", "dónde están", "wo
sind", "où sont", "onde estão" were no status words, so the question fell to the model, and
beside an invoice request the status part was dropped unseen while the invoice went out.
Read-only status for several of the customer's own orders is answered for each, beside an
invoice request too (the invoice of each order listed, when its own clause names none; a
choice, "10239 or 10234?", still goes to a person)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound
from tests.resolutions.conftest import kinds, replies, templates
from tests.resolutions.shop import ANA

from minidesk.db import Database
from minidesk.resolutions.facts import STATUS, choose_flow
from minidesk.resolutions.late_words import is_late
from minidesk.resolutions.parts import Part, assign_orders
from minidesk.triage import taxonomy


def _say(client: TestClient, cast: Cast, text: str) -> int:
    return int(str(inbound(client, cast.shop, text, "m1", email=ANA)["ticket_number"]))


WHERE_ARE = [
    "where are 10239 and 10234?",
    "where are my orders?",
    "¿dónde están mis pedidos 10239 y 10234?",
    "wo sind meine Bestellungen 10239 und 10234?",
    "où sont mes commandes 10239 et 10234 ?",
    "onde estão as minhas encomendas 10239 e 10234?",
]


@pytest.mark.parametrize("text", WHERE_ARE)
def test_where_are_is_a_status_question_whatever_the_model_read(text: str) -> None:
    assert is_late(text)
    choice = choose_flow("unknown", 0.0, text, has_order=True, orders_named=2)
    assert choice.flow == STATUS


@pytest.mark.parametrize("text", [t for t in WHERE_ARE if "10239" in t])
def test_where_several_own_orders_are_is_answered_for_each(
    text: str, client: TestClient, cast: Cast, shop: Database
) -> None:
    number = _say(client, cast, text)
    assert kinds(shop, number, "resolution.handed_off") == []
    [reply] = replies(shop, number)
    assert "1ZTEST10239" in reply and "10234" in reply
    [closed] = kinds(shop, number, "resolution.closed")
    assert closed["flows"] == [STATUS, STATUS]


@pytest.mark.parametrize(
    "text",
    [
        "where are 10239 and 10234? and send me the invoice",
        "¿dónde están mis pedidos 10239 y 10234? y mándame la factura",
        "wo sind meine Bestellungen 10239 und 10234? Bitte schicken Sie mir die Rechnung",
        "où sont mes commandes 10239 et 10234 ? Envoyez-moi la facture s'il vous plaît",
        "onde estão as minhas encomendas 10239 e 10234? mande-me a fatura por favor",
    ],
)
def test_beside_an_invoice_the_status_of_each_order_is_answered_too(
    text: str, client: TestClient, cast: Cast, shop: Database
) -> None:
    number = _say(client, cast, text)
    assert kinds(shop, number, "resolution.handed_off") == []
    [reply] = replies(shop, number)
    assert "1ZTEST10239" in reply and "10234" in reply
    assert templates(shop, number) == ["order_status"]  # one message, the first template's
    sent = sorted(e["order_number"] for e in kinds(shop, number, "commerce.invoice"))
    assert sent == ["10234", "10239"]  # both orders listed, both read-only
    [closed] = kinds(shop, number, "resolution.closed")
    assert sorted(closed["flows"]) == [taxonomy.INVOICE, taxonomy.INVOICE, STATUS, STATUS]


def test_an_action_still_needs_one_order_of_its_own() -> None:
    text = "where are 10239 and 10234? and cancel it"
    assert assign_orders(text, [STATUS, taxonomy.CANCEL_ORDER], ["10239", "10234"], []) is None
    each = assign_orders(
        "where are 10239 and 10234? and cancel 10236",
        [STATUS, taxonomy.CANCEL_ORDER],
        ["10239", "10234", "10236"],
        [],
    )
    assert each == [
        Part(STATUS, "10239"),
        Part(STATUS, "10234"),
        Part(taxonomy.CANCEL_ORDER, "10236"),
    ]
