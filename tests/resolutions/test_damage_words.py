"""Damage said in each language's everyday words and their inflections ("llegó partido",
"veio quebrada", "se rompió", "kam beschädigt an", "arrivée fêlée"), about a delivered order,
reaches the damaged-item hand-off whatever the intent model reads: the words decide, as the
words of a late parcel do (``facts.choose_flow``). The model read several as a cancellation
below its floor and the hand-off carried none of the order's facts."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound
from tests.resolutions.conftest import kinds
from tests.resolutions.shop import ANA

from minidesk.db import Database
from minidesk.resolutions.damage import says_damaged

DAMAGED = [
    "order 10234 arrived broken",
    "the bonsai kit from 10234 came scratched and torn",
    "el pedido 10234 llegó partido",
    "la taza del pedido 10234 vino partida",
    "el juguete de 10234 llegó rota la caja y rotos los bloques",
    "se rompió en el envío, pedido 10234",
    "mi pedido 10234 llegó quebrado",
    "die Bestellung 10234 kam kaputt an",
    "Bestellung 10234 ist beschaedigt angekommen",
    "das Spielzeug aus 10234 ist defekt",
    "la commande 10234 est arrivée cassée",
    "commande 10234 : le jouet est fêlé et rayé",
    "a encomenda 10234 chegou quebrada",
    "o pedido 10234 veio partido",
    "a encomenda 10234 chegou toda rachada",
    "quebrou no transporte, encomenda 10234",
]


@pytest.mark.parametrize("text", DAMAGED)
def test_damage_on_a_delivered_order_goes_to_a_person_with_the_facts(
    text: str, client: TestClient, cast: Cast, shop: Database
) -> None:
    number = int(str(inbound(client, cast.shop, text, "m1", email=ANA)["ticket_number"]))
    [handed] = kinds(shop, number, "resolution.handed_off")
    assert handed["rule"] == "order.damaged"
    assert "10234" in handed["reason"]
    assert kinds(shop, number, "commerce.") == []


HELD_OUT = [
    "it broke in transit",
    "the lid is cracked",
    "arrived all smashed up",
    "llegaron rotas",
    "vino partido en dos",
    "se partió",
    "está quebrada",
    "veio rompido",
    "ist zerbrochen",
    "kam zerkratzt an",
    "das Gerät ist defekt",
    "elle est arrivée cassée",
    "le verre est brisé",
    "chegaram partidas",
    "a tampa quebrou",
]
NOT_DAMAGE = [
    "where is 10234?",
    "¿dónde está mi pedido?",
    "la rotation",
    "Partie",
    "I'm partial to the blue one",
    "je suis ravi",
]


def test_damage_words_in_each_language_and_their_inflections() -> None:
    assert [text for text in HELD_OUT if not says_damaged(text)] == []
    assert [text for text in NOT_DAMAGE if says_damaged(text)] == []
