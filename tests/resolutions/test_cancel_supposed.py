"""A cancellation only supposed is not one asked for: "what happens if I cancel 30001?", "I
was going to cancel but it's fine now", "thinking about cancelling" each cancelled Ben's
unshipped order at once (the words named the action and the model read cancel_order). Now
a person answers and nothing is done; a "please" after the supposing word, or a comma
before the request, still makes a request. So with a cancellation reported ("you cancelled
my order without asking!", "wurde storniert"), which the bot carried out on the order the
customer was complaining about; a past form after a wish ("I want it cancelled") asks."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound
from tests.resolutions.conftest import kinds, templates
from tests.resolutions.shop import BEN

from minidesk.db import Database
from minidesk.resolutions.framing import asked_for, supposed
from minidesk.triage import taxonomy

CANCEL = taxonomy.CANCEL_ORDER

SUPPOSED = [
    "what happens if I cancel 30001?",
    "if I cancel 30001 will I get my money back?",
    "I was going to cancel 30001 but it's fine now",
    "thinking about cancelling order 30001",
    "maybe I should cancel 30001",
    "qué pasa si cancelo el pedido 30001?",
    "was passiert, wenn ich 30001 storniere?",
    "que se passe-t-il si j'annule la commande 30001 ?",
    "o que acontece se eu cancelar a encomenda 30001? talvez cancele",
    # Reported, not asked: the customer complains of a cancellation, or says they made one.
    "you cancelled my order 30001 without asking!",
    "my order 30001 was cancelled?",
    "I already cancelled 30001 on the website, why was I charged?",
    "me cancelaron el pedido 30001",
    "Sie haben meine Bestellung 30001 storniert!",
    "la commande 30001 a été annulée ?",
    "a encomenda 30001 foi cancelada",
]
ASKED = [
    "cancel 30001 please",
    "can you cancel 30001?",
    "if it hasn't shipped please cancel 30001",
    "if it hasn't shipped yet, cancel 30001",
    "cancel 30001 if it hasn't shipped",
    "bitte 30001 stornieren",
    "I'd be grateful if you could cancel 30001",
    "what do I need to do to cancel order 30001?",
    "I want 30001 cancelled",
    "I'd like order 30001 cancelled please",
    "quiero que el pedido 30001 quede cancelado",
    "ich möchte, dass 30001 storniert wird",
    "je voudrais que la commande 30001 soit annulée",
    "cancelo el pedido 30001, ya no lo necesito",
    "Storniert bitte meine Bestellung 30001",
]


@pytest.mark.parametrize("text", SUPPOSED)
def test_a_supposed_cancellation_is_not_asked_for(text: str) -> None:
    assert CANCEL not in asked_for(text)
    assert CANCEL in supposed(text)


@pytest.mark.parametrize("text", ASKED)
def test_a_request_is_still_one(text: str) -> None:
    assert CANCEL in asked_for(text)
    assert CANCEL not in supposed(text)


def test_only_the_cancellation_is_held_to_being_asked() -> None:
    # A refund waits for YES REFUND anyway; its news is asked about with "if".
    assert taxonomy.REFUND in asked_for("where could I check if there is news on my refund?")


@pytest.mark.parametrize("text", [*SUPPOSED[:4], *SUPPOSED[9:11]])
def test_a_supposed_cancellation_cancels_nothing(
    text: str, client: TestClient, cast: Cast, shop: Database
) -> None:
    number = int(str(inbound(client, cast.shop, text, "m1", email=BEN)["ticket_number"]))
    assert kinds(shop, number, "commerce.") == []
    assert "cancel_voided" not in templates(shop, number)


@pytest.mark.parametrize("text", ASKED[:3])
def test_a_cancellation_asked_for_still_cancels(
    text: str, client: TestClient, cast: Cast, shop: Database
) -> None:
    number = int(str(inbound(client, cast.shop, text, "m1", email=BEN)["ticket_number"]))
    assert [k["kind"] for k in kinds(shop, number, "commerce.")] == ["commerce.cancel"]
