"""Orders as customers name them: a bare number that is one of their own orders, an item of
one order, the only order on file, the answer to "which order?"; and phones in any format."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound
from tests.resolutions.conftest import kinds, replies, templates, ticket
from tests.resolutions.shop import ANA, ANA_PHONE_AS_SENT, CARLA

from minidesk.db import Database


def _number(body: dict[str, object]) -> int:
    return int(str(body["ticket_number"]))


@pytest.mark.parametrize(
    "text",
    [
        "Hi, the stacking toy from 10234 has a crack, can I send it back?",
        "bonsai kit (10234) arrived with a snapped branch, I want to return it",
    ],
)
def test_a_bare_number_of_her_own_order_is_that_order(
    client: TestClient, cast: Cast, shop: Database, text: str
) -> None:
    number = _number(inbound(client, cast.shop, text, "m1", email=ANA))
    assert templates(shop, number) == ["return_authorised"]
    assert "return RMA-10234-" in replies(shop, number)[0]
    assert ticket(shop, number).resolution == "auto"


def test_an_item_of_exactly_one_order_names_that_order(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    number = _number(
        inbound(client, cast.shop, "I'd like to return the bonsai kit please", "m1", email=ANA)
    )
    assert templates(shop, number) == ["return_authorised"]
    assert "order #10234" in replies(shop, number)[0]


def test_the_only_order_on_file_is_used_without_asking(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    number = _number(inbound(client, cast.shop, "when will my parcel show up?", "m1", email=CARLA))
    [reply] = replies(shop, number)
    assert "Your order #20001 is on its way with UPS, tracking number 1ZTEST20001" in reply
    assert ticket(shop, number).turns == 1


def test_with_many_orders_the_bot_asks_once_then_uses_the_answer(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    first = inbound(client, cast.shop, "where is my parcel?", "m1", email=ANA, thread="t")
    number = _number(first)
    assert templates(shop, number) == ["ask_order"]
    inbound(client, cast.shop, "it's 10239", "m2", email=ANA, thread="t")
    assert templates(shop, number) == ["ask_order", "order_status"]
    assert "1ZTEST10239" in replies(shop, number)[-1]
    done = ticket(shop, number)
    assert done.resolution == "auto" and done.turns == 2


def test_a_second_unclear_answer_hands_off_instead_of_asking_again(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    number = _number(inbound(client, cast.shop, "where is my parcel?", "m1", email=ANA, thread="t"))
    inbound(client, cast.shop, "the blue one I think", "m2", email=ANA, thread="t")
    assert templates(shop, number) == ["ask_order", "handoff"]


def test_someone_elses_bare_number_is_not_read_as_an_order(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    number = _number(inbound(client, cast.shop, "where is 30001?", "m1", email=ANA))
    texts = replies(shop, number)
    assert templates(shop, number) == ["ask_order"]
    assert not any("30001" in text or "Canvas tote" in text for text in texts)


@pytest.mark.parametrize("sent_as", [ANA_PHONE_AS_SENT, "+15550102000", "whatsapp:+15550102000"])
def test_a_phone_sender_meets_the_customer_exported_without_a_country_code(
    client: TestClient, cast: Cast, shop: Database, sent_as: str
) -> None:
    number = _number(
        inbound(client, cast.shop, "where is order 10239?", "m1", email=None, phone=sent_as)
    )
    assert templates(shop, number) == ["order_status"]
    assert "1ZTEST10239" in replies(shop, number)[0]


def test_a_national_number_is_read_in_the_configured_region(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    # Ben was exported as "020 7946 0958" and the desk's region is US: his UK number as a
    # national one means nothing here, so only a sender with the same digits matches.
    number = _number(
        inbound(client, cast.shop, "cancel order 30001", "m1", email=None, phone="+44 20 7946 0958")
    )
    assert templates(shop, number) == ["handoff"]
    assert [e["kind"] for e in kinds(shop, number, "commerce.")] == []
