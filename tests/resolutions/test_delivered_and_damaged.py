"""A complaint that a delivered item arrived damaged ("it arrived broken", "llegó roto", "kam
kaputt an", "est arrivé cassé", "chegou quebrado"), read by the model as a delivery question,
got the delivery status ("delivered on ...") and the ticket was closed as solved. The store's
facts say it was delivered, so it is a damaged-item case: POLICIES.md authorises a refund or
a return only when the customer asks for one, so with neither asked a person takes it
(``order.damaged``), and nothing moves."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound
from tests.resolutions.conftest import kinds, templates
from tests.resolutions.shop import ANA

from minidesk.db import Database
from minidesk.resolutions import engine
from minidesk.resolutions.damage import says_damaged
from minidesk.resolutions.facts import STATUS, Choice


@pytest.fixture(params=[False, True], ids=["model", "best-guess"])
def read_as_status(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The model read every message as a delivery question (order_late), above its floor or
    as its best guess: which wording it misreads so is its own business."""
    choice = Choice(STATUS, "order_late", guessed=request.param)
    monkeypatch.setattr(engine, "choose_flow", lambda *args, **kwargs: choice)


DAMAGED = [
    "order 10234 arrived broken",
    "el pedido 10234 llegó roto",
    "die Bestellung 10234 kam kaputt an",
    "la commande 10234 est arrivée cassée",
    "a encomenda 10234 chegou quebrada",
]


@pytest.mark.usefixtures("read_as_status")
@pytest.mark.parametrize("text", DAMAGED)
def test_a_delivered_item_that_arrived_damaged_gets_no_delivery_status(
    text: str, client: TestClient, cast: Cast, shop: Database
) -> None:
    number = int(str(inbound(client, cast.shop, text, "m1", email=ANA)["ticket_number"]))
    assert "order_delivered" not in templates(shop, number)
    assert kinds(shop, number, "resolution.closed") == []
    [handed] = kinds(shop, number, "resolution.handed_off")
    assert handed["rule"] == "order.damaged"
    assert "10234" in handed["reason"]
    assert kinds(shop, number, "commerce.") == []


@pytest.mark.usefixtures("read_as_status")
def test_where_a_delivered_order_is_still_gets_the_delivery_status(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    number = int(
        str(inbound(client, cast.shop, "where is 10234?", "m1", email=ANA)["ticket_number"])
    )
    assert templates(shop, number) == ["order_delivered"]


def test_damage_words_are_read_in_each_language() -> None:
    assert all(says_damaged(text) for text in DAMAGED)
    assert not any(
        says_damaged(text)
        for text in ("where is 10234?", "¿dónde está mi pedido?", "la rotation", "Partie")
    )
