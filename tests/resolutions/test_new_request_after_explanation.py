"""A reply to an explained refusal that asks, in so many words, about another of the
customer's orders is a new request ("did the scarf ship yet" → cancelled, explained → "ok and
can u email me the invoice for 10234"); held-out set 8 had it handed off as insisting. The
same order, or none named, still insists and goes to a person."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound
from tests.resolutions.conftest import kinds, ticket
from tests.resolutions.shop import ANA

from minidesk.db import Database


def test_another_order_named_after_an_explanation_is_a_new_request(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    first = inbound(client, cast.shop, "please cancel order 10239", "m1", email=ANA, thread="t")
    number = int(str(first["ticket_number"]))  # shipped: explained
    inbound(
        client,
        cast.shop,
        "ok and can u email me the invoice for 10234",
        "m2",
        email=ANA,
        thread="t",
    )
    assert [e["kind"] for e in kinds(shop, number, "commerce.")] == ["commerce.invoice"]
    assert kinds(shop, number, "resolution.handed_off") == []
    assert ticket(shop, number).resolution == "auto"


@pytest.mark.parametrize(
    "reply", ["then just refund me", "no, cancel 10239 anyway", "ok can you do it for 99999"]
)
def test_the_same_order_or_none_still_insists(
    client: TestClient, cast: Cast, shop: Database, reply: str
) -> None:
    first = inbound(client, cast.shop, "please cancel order 10239", "m1", email=ANA, thread="t")
    number = int(str(first["ticket_number"]))
    inbound(client, cast.shop, reply, "m2", email=ANA, thread="t")
    [handed] = kinds(shop, number, "resolution.handed_off")
    assert handed["rule"] == "customer.insists"
    assert kinds(shop, number, "commerce.") == []
