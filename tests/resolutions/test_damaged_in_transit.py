"""A damage claim on a parcel the carrier still has in transit ("it arrived broken" about an
undelivered order) contradicts the store's facts. Policy is evaluated on facts, never on
what the message claims (POLICIES.md): the bot neither reships a late order on such a claim
nor answers with the tracking as if it were a delivery question; a person takes it, with
the facts (``order.damaged_undelivered``), and nothing moves."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound
from tests.resolutions.conftest import kinds, replies, templates
from tests.resolutions.shop import ANA

from minidesk.db import Database
from minidesk.resolutions import engine
from minidesk.resolutions.damage import says_damaged_about
from minidesk.resolutions.facts import STATUS, Choice

CLAIMS = [
    "order {n} arrived broken",
    "my order {n} came damaged, the box was crushed",
    "el pedido {n} llegó roto",
    "die Bestellung {n} kam kaputt an",
    "la commande {n} est arrivée cassée",
    "a encomenda {n} chegou partida",
]
# 10235 is 10 business days late and in transit (a reship is due); 10239 in transit, on time.
IN_TRANSIT = ["10235", "10239"]


def _facts_handed_off(shop: Database, number: int, order: str) -> None:
    assert kinds(shop, number, "commerce.") == []
    assert kinds(shop, number, "resolution.closed") == []
    [handed] = kinds(shop, number, "resolution.handed_off")
    assert handed["rule"] == "order.damaged_undelivered"
    assert order in handed["reason"] and "1ZTEST" + order in handed["reason"]
    assert not {"reship_notice", "order_status", "order_running_late"} & set(
        templates(shop, number)
    )


@pytest.mark.parametrize("order", IN_TRANSIT)
@pytest.mark.parametrize("claim", CLAIMS)
def test_a_damage_claim_on_a_parcel_in_transit_goes_to_a_person(
    claim: str, order: str, client: TestClient, cast: Cast, shop: Database
) -> None:
    text = claim.format(n=order)
    number = int(str(inbound(client, cast.shop, text, "m1", email=ANA)["ticket_number"]))
    _facts_handed_off(shop, number, order)


@pytest.mark.parametrize("guessed", [False, True], ids=["model", "best-guess"])
def test_the_model_reading_it_as_late_does_not_reship(
    guessed: bool,
    client: TestClient,
    cast: Cast,
    shop: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    choice = Choice(STATUS, "order_late", guessed=guessed)
    monkeypatch.setattr(engine, "choose_flow", lambda *args, **kwargs: choice)
    text = "order 10235 finally arrived but it's smashed"
    number = int(str(inbound(client, cast.shop, text, "m1", email=ANA)["ticket_number"]))
    _facts_handed_off(shop, number, "10235")


def test_a_late_parcel_without_a_damage_claim_is_still_reshipped(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    text = "order 10235 still hasn't arrived"
    number = int(str(inbound(client, cast.shop, text, "m1", email=ANA)["ticket_number"]))
    assert templates(shop, number) == ["reship_notice"]


@pytest.mark.parametrize(
    "text",
    [
        "refund $20 for the stacking toy from 10234, it arrived cracked - and where is my rug "
        "(10239)?",
        "Quero o reembolso de 15 dólares da encomenda 10234, o brinquedo veio partido. E onde "
        "está a encomenda 10239?",
    ],
)
def test_damage_said_of_another_order_leaves_the_parcel_in_transit_alone(
    text: str, client: TestClient, cast: Cast, shop: Database
) -> None:
    number = int(str(inbound(client, cast.shop, text, "m1", email=ANA)["ticket_number"]))
    assert kinds(shop, number, "resolution.handed_off") == []
    [reply] = replies(shop, number)  # the rug's tracking, then the refund's offer
    assert "1ZTEST10239" in reply and "YES REFUND" in reply


@pytest.mark.parametrize(
    ("text", "about"),
    [
        ("order 10239 arrived broken", {"10239"}),
        ("it arrived broken", {"10239", "10234"}),  # no order named: the one in hand
        ("where is 10239? and 10234 arrived broken", {"10234"}),
        ("10234 arrived broken, where is 10239?", {"10234"}),
        ("where's 10239. The lamp, 10234, came smashed", {"10234"}),
        ("broken on arrival: 10234. Where is 10239?", {"10234"}),
    ],
)
def test_a_damage_word_is_about_the_order_of_its_own_sentence(text: str, about: set[str]) -> None:
    orders = ["10234", "10239"]
    assert {n for n in orders if says_damaged_about(text, n, orders)} == about
