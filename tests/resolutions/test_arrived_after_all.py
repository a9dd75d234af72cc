"""A customer who says the late parcel has arrived is not sent another: "my order 10235 was
late but it finally arrived today, thanks" and "got 10235 today! it was super late though"
had Ana's in-transit order (10 business days late) reshipped, the late words starting the
status flow and the store's tracking still saying in transit. The customer's word that it
came outranks the carrier's scan for resending: a person looks. Saying it has not come, or
asking whether it has, still counts as late."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound
from tests.resolutions.conftest import kinds
from tests.resolutions.shop import ANA

from minidesk.db import Database
from minidesk.resolutions.late_words import says_arrived

ARRIVED = [
    "my order 10235 was late but it finally arrived today, thanks",
    "got 10235 today! it was super late though",
    "10235 turned up this morning, very late",
    "mi pedido 10235 llegó por fin, muy tarde",
    "Bestellung 10235 ist endlich angekommen, viel zu spät",
    "la commande 10235 est enfin arrivée, avec beaucoup de retard",
    "a encomenda 10235 finalmente chegou, muito atrasada",
]
NOT_ARRIVED = [
    "my order 10235 hasn't arrived",
    "10235 never arrived",
    "has 10235 arrived yet?",
    "10235 should have arrived last week",
    "mi pedido 10235 no ha llegado",
    "Bestellung 10235 ist noch nicht angekommen",
    "la commande 10235 n'est pas arrivée",
    "a encomenda 10235 ainda não chegou",
    "I need 10235 to arrive by Friday",
    "Ma commande 10235 est en retard, toujours rien reçu",
    "Paket 10235 nie angekommen",
    "nothing arrived yet for 10235",
    "aún no ha llegado el pedido 10235",
]


@pytest.mark.parametrize("text", ARRIVED)
def test_arrived_is_read(text: str) -> None:
    assert says_arrived(text)


@pytest.mark.parametrize("text", NOT_ARRIVED)
def test_not_arrived_is_not(text: str) -> None:
    assert not says_arrived(text)


@pytest.mark.parametrize("text", ARRIVED[:3])
def test_a_parcel_said_to_have_come_is_not_resent(
    text: str, client: TestClient, cast: Cast, shop: Database
) -> None:
    number = int(str(inbound(client, cast.shop, text, "m1", email=ANA)["ticket_number"]))
    assert kinds(shop, number, "commerce.") == []


def test_a_late_parcel_not_come_is_still_resent(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    text = "my order 10235 still hasn't arrived, it's two weeks late"
    number = int(str(inbound(client, cast.shop, text, "m1", email=ANA)["ticket_number"]))
    assert [k["kind"] for k in kinds(shop, number, "commerce.")] == ["commerce.reship"]
