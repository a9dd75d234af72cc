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
from tests.resolutions.conftest import kinds, replies, templates
from tests.resolutions.shop import ANA

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


@pytest.mark.parametrize(
    "text",
    ["I want to send 10234 back", "can I send #10234 back?", "send 2 of them back, 10234"],
)
def test_an_order_number_sent_back_is_a_return_not_money(text: str) -> None:
    assert choose_flow("unknown", 0.05, text, has_order=True).flow == taxonomy.RETURN


MONEY_SENT_BACK = [
    "send me 10 dollars back on 10234",
    "can you send me $10 back for 10234",
    "please send me 15 back, 10234",
    "send me back 10 dollars for 10234",
]


@pytest.mark.parametrize("text", MONEY_SENT_BACK)
def test_money_sent_back_to_the_customer_is_a_refund_not_a_return(text: str) -> None:
    # Read as a return too, "the return includes the refund" issued an authorisation.
    assert choose_flow("unknown", 0.05, text, has_order=True).flow == taxonomy.REFUND


def test_ten_dollars_sent_back_is_offered_and_no_return_is_authorised(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    text = "the toy came scratched, send me 10 dollars back on 10234"
    number = int(str(inbound(client, cast.shop, text, "m1", email=ANA)["ticket_number"]))
    assert templates(shop, number) == ["refund_offer"]
    assert "$10.00" in replies(shop, number)[0]


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


EVERY_COIN = [
    "I want every cent back for 10237",
    "give me each penny back, order 10237",
    "quiero cada centavo de vuelta del pedido 10237",
    "ich will jeden Cent zurück für 10237",
    "quero cada centavo de volta da encomenda 10237",
]


@pytest.mark.parametrize("text", EVERY_COIN)
@pytest.mark.parametrize("intent", [taxonomy.ORDER_LATE, taxonomy.REFUND_STATUS, "unknown"])
def test_all_of_the_money_by_its_smallest_coin_is_a_refund(text: str, intent: str) -> None:
    assert choose_flow(intent, 0.1, text, has_order=True).flow == taxonomy.REFUND


def test_every_cent_back_for_the_standing_desk_goes_for_approval_not_its_delivery(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    """Held-out set 7: the desk named by its item, the money by "every cent"; the model read
    it as unknown (best guess: late), and the bot answered with the delivery date."""
    text = "my standing desk has wobbled since it came and I want every cent back"
    number = int(str(inbound(client, cast.shop, text, "m1", email=ANA)["ticket_number"]))
    assert templates(shop, number) == ["refund_review"]
    assert "$210.00" in replies(shop, number)[0]


@pytest.mark.parametrize(
    ("text", "offered"),
    [
        ("the toy from 10234 came scratched, would it be possible to get twenty dollars back?",
         "$20.00"),
        ("el juguete del pedido 10234 llegó rayado, ¿me devuelven quince dólares?", "15,00 US$"),
    ],
)  # fmt: skip
def test_a_sum_in_words_is_offered_as_written(
    client: TestClient, cast: Cast, shop: Database, text: str, offered: str
) -> None:
    """Held-out set 9: "fifty dollars back" named no sum the patterns could read, and the
    request went to a person as unknown."""
    number = int(str(inbound(client, cast.shop, text, "m1", email=ANA)["ticket_number"]))
    assert templates(shop, number) == ["refund_offer"]
    assert offered in replies(shop, number)[0]


@pytest.mark.parametrize(
    "text",
    [
        "Hola, ¿me pueden devolver los gastos de envío del pedido 10234? Pagué envío urgente",
        "can you refund the shipping costs on 10234? it came a week late",
        "pode devolver o frete do pedido 10234?",
    ],
)
def test_the_shipping_costs_asked_back_go_to_a_person_not_the_balance(
    client: TestClient, cast: Cast, shop: Database, text: str
) -> None:
    """Held-out set 10: "devolver los gastos de envío" was read as a return of the order; read
    as a refund with no sum, it would have offered the whole balance."""
    number = int(str(inbound(client, cast.shop, text, "m1", email=ANA)["ticket_number"]))
    assert "refund_offer" not in templates(shop, number)
    [handed] = kinds(shop, number, "resolution.handed_off")
    assert handed["rule"] == "refund.shipping_costs"
