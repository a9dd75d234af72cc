"""A request after a courtesy is read as the request: "thanks, but my order still hasn't
arrived" is a parcel question, in every language the desk speaks, while a thank-you alone
stays a thank-you (no intent, no action)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Cast, inbound
from tests.resolutions.conftest import kinds, templates
from tests.resolutions.shop import ANA

from minidesk.db import Database
from minidesk.event_kinds import EventKind
from minidesk.events import Event
from minidesk.triage import analyse

AFTER_THANKS = [
    "thanks, but my order 10239 still hasn't arrived",
    "Thank you for the reply! But the rug from 10239 never showed up",
    "gracias, pero mi pedido 10239 todavía no ha llegado",
    "danke, aber meine Bestellung 10239 ist immer noch nicht angekommen",
    "merci, mais ma commande 10239 n'est toujours pas arrivée",
    "obrigado, mas o meu pedido 10239 ainda não chegou",
]
THANKS_ONLY = [
    "thanks, I got it, the parcel arrived today",
    "obrigado, já recebi o pedido",
    "thanks, great service",
    "thank you so much, all sorted now",
    "muchas gracias, todo perfecto",
    "danke, alles gut",
    "merci beaucoup, c'est parfait",
]


def _triaged(database: Database) -> dict[str, object]:
    with database.sessions() as session:
        data: dict[str, object] = session.scalars(
            select(Event.data).where(Event.kind == EventKind.MESSAGE_TRIAGED)
        ).one()
    return data


@pytest.mark.parametrize("text", AFTER_THANKS)
def test_a_request_after_thanks_is_read_as_the_request(
    text: str, client: TestClient, cast: Cast, shop: Database
) -> None:
    number = int(str(inbound(client, cast.shop, text, "m1", email=ANA)["ticket_number"]))
    # Read as the request alone is read (and the model reads every one of them as late or
    # where-is: tests/triage/test_triage_late_phrasing.py).
    request = text.split(",", 1)[1] if "," in text else text.split("!", 1)[1]
    assert _triaged(shop)["intent"] == analyse(request.strip()).intent
    assert templates(shop, number) == ["order_status"]


@pytest.mark.parametrize("text", THANKS_ONLY)
def test_thanks_alone_asks_for_nothing(
    text: str, client: TestClient, cast: Cast, shop: Database
) -> None:
    number = int(str(inbound(client, cast.shop, text, "m1", email=ANA)["ticket_number"]))
    assert _triaged(shop)["intent"] == "unknown"
    assert kinds(shop, number, "commerce.") == []
