"""One request on several of the customer's orders ("send me the invoices for 10234 and
10238", "cancel 10239 and 30001"): run alone, the flow took the first order, dropped the rest
unseen and closed the ticket as done. A read-only request is now answered for each order in
one reply; an action on several orders is several actions, a person's (as two actions in one
message are)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound
from tests.resolutions.conftest import kinds, replies
from tests.resolutions.shop import ANA

from minidesk.db import Database
from minidesk.resolutions.parts import Part, on_each_order


def _say(client: TestClient, cast: Cast, text: str) -> int:
    return int(str(inbound(client, cast.shop, text, "m1", email=ANA)["ticket_number"]))


def test_the_invoices_of_two_orders_are_both_sent_in_one_reply(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    number = _say(client, cast, "send me the invoices for 10234 and 10238 please")
    sent = [(e["kind"], e["order_number"]) for e in kinds(shop, number, "commerce.")]
    assert sent == [("commerce.invoice", "10234"), ("commerce.invoice", "10238")]
    [reply] = replies(shop, number)
    assert "10234" in reply and "10238" in reply
    [closed] = kinds(shop, number, "resolution.closed")
    assert closed["flows"] == ["invoice", "invoice"]


def test_where_two_orders_are_is_answered_for_each(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    number = _say(client, cast, "where are my orders 10239 and 10234?")
    assert kinds(shop, number, "resolution.handed_off") == []
    [reply] = replies(shop, number)
    assert "1ZTEST10239" in reply and "10234" in reply


@pytest.mark.parametrize(
    "text", ["please cancel orders 10239 and 10234", "refund 10234 and 10238 please"]
)
def test_an_action_on_two_orders_moves_nothing_and_goes_to_a_person(
    text: str, client: TestClient, cast: Cast, shop: Database
) -> None:
    number = _say(client, cast, text)
    assert kinds(shop, number, "commerce.") == []
    assert kinds(shop, number, "resolution.asked") == []  # no offer on the first alone
    [handed] = kinds(shop, number, "resolution.handed_off")
    assert handed["rule"] == "requests.several"
    assert "10234" in handed["reason"]


def test_only_the_customers_own_orders_count() -> None:
    owned = ["10234", "10238"]
    assert on_each_order("invoice", ["10234", "99999"], owned) is None
    assert on_each_order("invoice", ["10238", "10234", "10238"], owned) == [
        Part("invoice", "10238"),
        Part("invoice", "10234"),
    ]
