"""Requests as customers text them (held-out set 8): a request taken back in the same message
("cancel it.. wait actually don't cancel it"), "did the scarf ship yet", money given back by
its colloquial noun ("me devuelven la plata"), and a sum asked off or on an order ("je peux
avoir 10 $ sur 1042"), a sum with its cents and no currency ("pls refund 12.50 on 10234")."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound, money_moved
from tests.resolutions.shop import ANA, load_shop

from minidesk.db import Database
from minidesk.resolutions.facts import STATUS, choose_flow
from minidesk.resolutions.framing import asked_for
from minidesk.resolutions.late_words import is_late
from minidesk.triage import taxonomy


def test_a_request_taken_back_is_not_asked_for() -> None:
    text = "pls cancel 1042.. wait actually dont cancel it, just send it to 22 Pine St, Portland"
    assert asked_for(text) == {taxonomy.ADDRESS_CHANGE}
    assert taxonomy.CANCEL_ORDER in asked_for(text, negated=True)
    choice = choose_flow(taxonomy.CANCEL_ORDER, 0.89, text, has_order=True)
    assert choice.flow == taxonomy.ADDRESS_CHANGE


def test_the_last_word_decides_either_way() -> None:
    # Said not to, then asked after all: the cancellation stands.
    assert asked_for("don't cancel 1042 yet... on second thought please cancel it") == {
        taxonomy.CANCEL_ORDER
    }


@pytest.mark.parametrize("text", ["did the scarf ship yet", "did my order 1042 get shipped?"])
def test_did_it_ship_is_a_status_question(text: str) -> None:
    assert is_late(text)
    assert choose_flow("unknown", 0.07, text, has_order=True).flow == STATUS


@pytest.mark.parametrize(
    "text",
    [
        "me devuelven la plata del bonsai? llego seco",
        "quiero que me devuelvan el dinero",
        "podem devolver o dinheiro do pedido 1042",
    ],
)
def test_money_given_back_by_its_noun_is_a_refund_not_a_return(text: str) -> None:
    assert asked_for(text) == {taxonomy.REFUND}


@pytest.mark.parametrize(
    "text",
    [
        "je peux avoir 10 $ sur 1042 le chemin de table a rétréci",
        "can i get $10 off 1042, the runner shrank",
    ],
)
def test_a_sum_off_an_order_is_a_refund(text: str) -> None:
    assert asked_for(text) == {taxonomy.REFUND}


def test_a_price_is_no_sum_asked_back() -> None:
    assert asked_for("can i get the $45 lamp in blue") == set()


def test_a_sum_with_cents_and_no_currency_is_the_amount_asked(
    client: TestClient, cast: Cast, database: Database
) -> None:
    load_shop(client, cast)  # 10234: $64.98 paid, delivered
    before = money_moved(database)
    text = "pls refund 12.50 on 10234 thx"
    inbound(client, cast.shop, text, "m1", email=ANA, thread="t")
    inbound(client, cast.shop, "yes refund", "m2", email=ANA, thread="t")
    assert money_moved(database) - before == 1250
