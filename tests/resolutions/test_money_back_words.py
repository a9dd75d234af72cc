"""Money asked back without the word "refund" is a refund request even when the model reads
it as a question about one, in every language the desk speaks; an order sent back is a return.

Held-out set 5: "the stacking toy in 10234 has a cracked wheel. I'd keep it if I could get 15
dollars back" was read as ``refund_status``; the flow's words knew "15 dollars back" but the
check that a refund is demanded did not, so an offer within policy became a hand-off.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound
from tests.resolutions.conftest import replies, templates
from tests.resolutions.shop import ANA, load_shop

from minidesk.db import Database
from minidesk.resolutions.facts import choose_flow
from minidesk.triage import taxonomy

MONEY_BACK = [
    "I'd keep it if I could get 15 dollars back, order 10234",
    "I'd be happy with $10 back on 10234",
    "quiero 15 dólares de vuelta por el pedido 10234",
    "Können Sie mir 15 Dollar für 10234 zurückerstatten?",
    "ich hätte gern 15 $ zurück für 10234",
    "je voudrais récupérer 15 dollars sur la commande 10234",
    "quero 20 dólares de volta do pedido 10234",
]


@pytest.mark.parametrize("text", MONEY_BACK)
@pytest.mark.parametrize("intent", [taxonomy.REFUND_STATUS, taxonomy.REFUND, "unknown"])
def test_money_asked_back_starts_the_refund_flow(text: str, intent: str) -> None:
    assert choose_flow(intent, 0.5, text, has_order=True).flow == taxonomy.REFUND


@pytest.mark.parametrize("text", ["I want to send 10234 back", "can I send #10234 back?"])
def test_an_order_number_sent_back_is_a_return_not_money(text: str) -> None:
    assert choose_flow("unknown", 0.05, text, has_order=True).flow == taxonomy.RETURN


@pytest.fixture
def shop(client: TestClient, cast: Cast, database: Database) -> Database:
    load_shop(client, cast)
    return database


def test_fifteen_dollars_back_read_as_a_refund_question_is_offered(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    text = (
        "the stacking toy in 10234 has a cracked wheel. I'd keep it if I could get 15 dollars back"
    )
    number = int(str(inbound(client, cast.shop, text, "m1", email=ANA)["ticket_number"]))
    assert templates(shop, number) == ["refund_offer"]
    assert "$15.00" in replies(shop, number)[0]


@pytest.mark.parametrize(
    "text",
    [
        "Kann ich mein Geld dafür zurückbekommen? Bestellung 10234",
        "ich will das Geld für das Set zurück, 10234",
        "can I have my money for it back? order 10234",
        "quiero mi dinero de vuelta, pedido 10234",
        "quero o meu dinheiro todo de volta, pedido 10234",
    ],
)
def test_money_back_with_words_between_asks_for_a_refund(text: str) -> None:
    # German puts "zurück" at the clause's end, after whatever the money is for.
    assert choose_flow(taxonomy.REFUND, 0.66, text, has_order=True).flow == taxonomy.REFUND
