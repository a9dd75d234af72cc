"""A customer who thanks the bot for explaining a refusal ("D'accord, merci pour
l'explication.") is done: closed without a person. Held-out set 5 had it handed off as
insisting, because only a bare "ok, thanks" counted as an acknowledgement."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound
from tests.resolutions.conftest import kinds, ticket
from tests.resolutions.shop import ANA, load_shop

from minidesk.db import Database


@pytest.fixture
def shop(client: TestClient, cast: Cast, database: Database) -> Database:
    load_shop(client, cast)
    return database


@pytest.mark.parametrize(
    "thanks",
    ["D'accord, merci pour l'explication.", "thanks for the explanation", "Danke für die Info"],
)
def test_thanks_for_an_explained_refusal_closes_without_a_person(
    client: TestClient, cast: Cast, shop: Database, thanks: str
) -> None:
    first = inbound(client, cast.shop, "please cancel order 10239", "m1", email=ANA, thread="t")
    number = int(str(first["ticket_number"]))  # shipped: explained
    inbound(client, cast.shop, thanks, "m2", email=ANA, thread="t")
    seen = ticket(shop, number)
    assert "handoff" not in seen.tags
    assert (seen.status, seen.resolution) == ("solved", "auto")
    [closed] = kinds(shop, number, "resolution.closed")
    assert closed["rule"] == "customer.acknowledged"
