"""Asking where the shop is ("where are your stores?", "where are you located?") is not asking
where an order is: "where are" and "where is" are the words of a parcel question, and the
bot answered "which order is it about?" to a customer who asked about none. A question with
no supported intent gets an article when one answers it confidently, else a person
(POLICIES.md, out of scope); it never starts the order-status flow."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound
from tests.resolutions.conftest import kinds, templates
from tests.resolutions.shop import ANA

from minidesk.db import Database
from minidesk.resolutions.facts import STATUS, choose_flow

ABOUT_THE_SHOP = [
    "where are your stores?",
    "where is your shop?",
    "where are you located?",
    "Where's your nearest store?",
    "where are you guys based",
    "where is the shop",
    "¿dónde están sus tiendas?",
    "¿Dónde está la tienda?",
    "Wo ist Ihr Laden?",
    "wo sind Sie ansässig?",
    "Où est votre magasin ?",
    "où êtes-vous situés ?",
    "Onde fica a loja?",
    "onde está a loja de vocês?",
]


@pytest.mark.parametrize("text", ABOUT_THE_SHOP)
def test_where_the_shop_is_does_not_ask_about_an_order(
    text: str, client: TestClient, cast: Cast, shop: Database
) -> None:
    number = int(str(inbound(client, cast.shop, text, "m1", email=ANA)["ticket_number"]))
    assert "ask_order" not in templates(shop, number)
    answered = kinds(shop, number, "kb.answered")
    handed = kinds(shop, number, "resolution.handed_off")
    assert answered or [h["rule"] for h in handed] == ["intent.unsupported"]


@pytest.mark.parametrize(
    "text",
    [
        "where are my orders 10234 and 10239?",
        "where is my parcel?",
        "where is my order from your warehouse?",
        "where are you with my order 10239?",
        "¿dónde está mi pedido?",
        "Wo ist meine Bestellung?",
        "où est ma commande ?",
        "onde está a minha encomenda?",
    ],
)
def test_where_an_order_is_is_still_a_status_question(text: str) -> None:
    has_order = any(ch.isdigit() for ch in text)
    assert choose_flow("unknown", 0.05, text, has_order=has_order).flow == STATUS
