"""Store item names come from the shop in English; customers name the product in their own
language: "¿dónde está mi alfombra?" for a "Wool rug", "le jouet" for a "Stacking toy". With
no word of any name in the message, the sentence encoder tells which one candidate a phrase
means, and a phrase that is near two candidates, or near none, names nothing.

Before: only words of the item's own name counted, so every message below was asked "which
order?" (or handed to a person).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound
from tests.resolutions.catalogues import Order, catalogue
from tests.resolutions.conftest import replies, templates, ticket
from tests.resolutions.shop import ANA

from minidesk.db import Database
from minidesk.resolutions import item_meanings
from minidesk.resolutions.items import items_named, order_named
from minidesk.triage.encoder import EncoderUnavailableError

HOME = catalogue(
    "Wool rug", "Stacking toy;Bonsai kit", "Desk lamp", "Canvas tote bag", "Board game"
)
KITCHEN = catalogue("Coffee grinder", "Chef's knife", "Blender", "Water bottle", "Wine glasses")
GADGETS = catalogue(
    "Wireless headphones", "USB-C charger", "Mechanical keyboard", "Computer mouse", "Smart watch"
)
WARDROBE = catalogue("Leather boots", "Sunglasses", "Leather belt", "Winter gloves", "Backpack")
CATALOGUES = {"home": HOME, "kitchen": KITCHEN, "gadgets": GADGETS, "wardrobe": WARDROBE}


@pytest.mark.parametrize(
    ("text", "orders", "number"),
    [
        ("¿dónde está mi alfombra?", HOME, "1"),
        ("mein Teppich ist nicht angekommen", HOME, "1"),
        ("des nouvelles de mon tapis ?", HOME, "1"),
        ("le jouet est arrivé cassé", HOME, "2"),
        ("o brinquedo veio quebrado", HOME, "2"),
        ("a bolsa de lona chegou rasgada", HOME, "4"),
        ("das Brettspiel ist immer noch nicht da", HOME, "5"),
        ("la lámpara no enciende", HOME, "3"),
        ("el molinillo de café hace un ruido raro", KITCHEN, "1"),
        ("le couteau est arrivé émoussé", KITCHEN, "2"),
        ("der Mixer ist kaputt", KITCHEN, "3"),
        ("o liquidificador não liga", KITCHEN, "3"),
        ("los auriculares no cargan", GADGETS, "1"),
        ("el cargador se calienta mucho", GADGETS, "2"),
        ("le clavier a une touche cassée", GADGETS, "3"),
        ("o relógio parou de funcionar", GADGETS, "5"),
        ("las botas me quedan pequeñas", WARDROBE, "1"),
        ("die Sonnenbrille ist zerkratzt", WARDROBE, "2"),
        ("les gants sont trop petits", WARDROBE, "4"),
        ("a mochila chegou rasgada", WARDROBE, "5"),
        ("my earphones stopped working", GADGETS, "1"),
    ],
)
def test_a_product_in_the_customers_words_names_its_order(
    text: str, orders: list[Order], number: str
) -> None:
    assert order_named(text, orders) == number


def test_a_word_near_two_items_names_neither() -> None:
    # Two rugs, two lamps, two knives: "alfombra" is as near one as the other.
    assert order_named("¿dónde está mi alfombra?", catalogue("Wool rug", "Jute rug")) is None
    assert order_named("die Lampe flackert", catalogue("Desk lamp", "Floor lamp")) is None
    assert order_named("le couteau", catalogue("Chef's knife", "Bread knife")) is None


def test_two_products_in_one_message_name_no_one_order() -> None:
    assert order_named("la alfombra y la lámpara", HOME) is None


@pytest.mark.parametrize(
    "text",
    [
        "¿dónde está mi bicicleta?",  # near no item of these catalogues
        "where is my sofa?",
        "gracias",
        "muchas gracias por todo",
        "¿dónde está mi paquete?",
        "mi pedido no ha llegado",
        "wo ist meine Bestellung?",
        "die Bestellung ist kaputt angekommen",
        "où est ma commande ?",
        "merci beaucoup",
        "cadê minha encomenda?",
        "obrigado pela ajuda",
        "quiero mi dinero de vuelta",
        "ich möchte mein Geld zurück",
        "la tarjeta fue rechazada",
        "vor zwei Wochen bestellt und immer noch nichts",
        "hablar con una persona por favor",
        "can I get a refund to my card?",
    ],
)
@pytest.mark.parametrize("catalogue", list(CATALOGUES))
def test_everyday_words_never_name_an_item(text: str, catalogue: str) -> None:
    assert order_named(text, CATALOGUES[catalogue]) is None


def test_within_an_order_the_customers_word_names_one_item() -> None:
    items = HOME[1].items  # the stacking toy and the bonsai kit
    assert items_named("solo quiero devolver el juguete", items) == [items[0]]
    assert items_named("je voudrais être remboursé pour le jouet", items) == [items[0]]
    assert items_named("muchas gracias", items) == []


def test_without_the_encoder_only_the_exact_words_count(monkeypatch: pytest.MonkeyPatch) -> None:
    def unavailable(name: str) -> Any:
        raise EncoderUnavailableError(name)

    monkeypatch.setattr(item_meanings, "get_encoder", unavailable)
    assert order_named("¿dónde está mi alfombra?", HOME) is None
    assert order_named("where's my rug?", HOME) == "1"


def test_a_name_word_in_the_text_is_decided_without_the_encoder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def never(name: str) -> Any:
        raise AssertionError("the encoder ran although a word of a name was there")

    monkeypatch.setattr(item_meanings, "get_encoder", never)
    assert order_named("where's my rug?", HOME) == "1"
    # "wool" is both orders': the exact words already know it is ambiguous.
    assert order_named("where is my wool thing?", catalogue("Wool rug", "Wool scarf")) is None
    # One candidate: nothing to tell apart.
    assert order_named("¿dónde está mi alfombra?", catalogue("Wool rug")) is None


def test_the_name_cache_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(item_meanings, "CACHE_SIZE", 3)
    monkeypatch.setattr(item_meanings, "_cache", type(item_meanings._cache)())
    assert order_named("¿dónde está mi alfombra?", HOME) == "1"
    assert order_named("le couteau est arrivé émoussé", KITCHEN) == "2"
    assert len(item_meanings._cache) == 3
    assert all(isinstance(v, np.ndarray) for v in item_meanings._cache.values())


def _ask(client: TestClient, cast: Cast, text: str) -> int:
    body = inbound(client, cast.shop, text, "m1", email=ANA, thread="t")
    return int(str(body["ticket_number"]))


@pytest.mark.parametrize(
    "text",
    ["¿dónde está mi alfombra?", "Mein Teppich ist noch nicht angekommen, wo ist er?"],
)
def test_the_rug_in_spanish_or_german_is_tracked_without_asking(
    client: TestClient, cast: Cast, shop: Database, text: str
) -> None:
    number = _ask(client, cast, text)
    assert templates(shop, number) == ["order_status"]
    assert "1ZTEST10239" in replies(shop, number)[0]
    assert ticket(shop, number).turns == 1


def test_money_back_for_the_toy_in_french_is_offered_for_the_toy(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    text = "Le jouet est arrivé cassé. Pouvez-vous me rembourser le jouet ?"
    number = _ask(client, cast, text)
    assert templates(shop, number) == ["refund_offer"]
    assert "24,99" in replies(shop, number)[0] and "10234" in replies(shop, number)[0]
