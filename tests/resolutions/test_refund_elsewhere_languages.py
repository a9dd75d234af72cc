"""A refund asked to go anywhere but the order's own card is handed off, in every language the
desk speaks (POLICIES.md: "a request to send it elsewhere is handed off").

Held-out set 5: the check read English only, so "sur ma nouvelle carte" or "no meu cartão
novo" got an offer to the order's old card, and the token would have moved the money there.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound
from tests.resolutions.conftest import kinds, templates
from tests.resolutions.shop import ANA

from minidesk.db import Database

ELSEWHERE = [
    "Please refund $20 on order 10234 to my new card",
    "Reembolsen 20 dólares del pedido 10234 a mi tarjeta nueva, por favor",
    "Bitte erstatten Sie 20 Dollar für Bestellung 10234 auf meine neue Karte",
    "Remboursez 20 dollars de la commande 10234 sur ma nouvelle carte s'il vous plaît",
    "Quero o reembolso de 20 dólares da encomenda 10234 por Pix",
    "Quero o reembolso de 20 dólares da encomenda 10234 no meu cartão novo",
]


@pytest.mark.parametrize("text", ELSEWHERE)
def test_a_refund_to_somewhere_else_is_handed_off_whatever_the_language(
    client: TestClient, cast: Cast, shop: Database, text: str
) -> None:
    number = int(
        str(inbound(client, cast.shop, text, "m1", email=ANA, thread="t")["ticket_number"])
    )
    assert "refund_offer" not in templates(shop, number)
    [handed] = kinds(shop, number, "resolution.handed_off")
    assert handed["rule"] == "refund.original_method_only"
    inbound(client, cast.shop, "YES REFUND", "m2", email=ANA, thread="t")
    assert kinds(shop, number, "commerce.") == []
