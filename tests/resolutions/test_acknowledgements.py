"""A customer who answers a refusal or an answer with a plain "ok, thanks" is done: the
conversation closes without a person and without another reply. Anything more than an
acknowledgement (a contrast, a question, a new request) is not one."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound
from tests.resolutions.conftest import kinds, templates, ticket
from tests.resolutions.shop import ANA

from minidesk.db import Database


def _say(client: TestClient, cast: Cast, text: str, n: int) -> int:
    sent = inbound(client, cast.shop, text, f"m{n}", email=ANA, thread="t")
    return int(str(sent["ticket_number"]))


@pytest.mark.parametrize(
    "thanks",
    ["ok, thanks", "Ok, obrigado!", "vale, gracias", "Danke, alles klar.", "d'accord, merci",
     "got it, thank you 🙂", "understood", "ok"],
)  # fmt: skip
def test_an_acknowledged_refusal_closes_without_a_person(
    client: TestClient, cast: Cast, shop: Database, thanks: str
) -> None:
    number = _say(client, cast, "please cancel order 10239", 1)  # shipped: explained
    assert templates(shop, number) == ["cancel_not_possible"]
    _say(client, cast, thanks, 2)
    seen = ticket(shop, number)
    assert templates(shop, number) == ["cancel_not_possible"]  # nothing more to say
    assert "handoff" not in seen.tags
    assert (seen.status, seen.resolution) == ("solved", "auto")
    [closed] = kinds(shop, number, "resolution.closed")
    assert closed["rule"] == "customer.acknowledged"


@pytest.mark.parametrize(
    "more",
    ["ok thanks, but I still want it cancelled", "thanks, can you cancel it anyway?",
     "gracias pero quiero hablar con una persona"],
)  # fmt: skip
def test_more_than_thanks_after_a_refusal_is_not_an_acknowledgement(
    client: TestClient, cast: Cast, shop: Database, more: str
) -> None:
    number = _say(client, cast, "please cancel order 10239", 1)
    _say(client, cast, more, 2)
    seen = ticket(shop, number)
    assert "handoff" in seen.tags
    assert kinds(shop, number, "resolution.closed") == []


def test_thanks_after_an_answer_keeps_the_ticket_solved(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    number = _say(client, cast, "where is order 10239?", 1)
    assert templates(shop, number) == ["order_status"]
    _say(client, cast, "great, thank you!", 2)
    seen = ticket(shop, number)
    assert templates(shop, number) == ["order_status"]
    assert "handoff" not in seen.tags
    assert (seen.status, seen.resolution) == ("solved", "auto")
