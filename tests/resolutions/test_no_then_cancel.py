"""A "no" that answers the bot or negates something else ("no, cancel it", "nein, bitte
stornieren") does not take back the cancellation that follows it: read as "I don't want to
cancel", the request went to a person as an unsupported intent. A "no" or "don't" that
governs the cancel word itself still does ("no, don't cancel it", "please do not cancel")."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound
from tests.resolutions.conftest import kinds, templates
from tests.resolutions.shop import BEN

from minidesk.db import Database
from minidesk.resolutions.framing import asked_for
from minidesk.triage import taxonomy

CANCEL = taxonomy.CANCEL_ORDER

NO_THEN_CANCEL = [
    "no, cancel it",
    "no - please cancel the order",
    "No. Cancel it please",
    "no no, just cancel",
    "nope, cancel the order",
    "no, I want to cancel",
    "no, anúlalo por favor",
    "no, quiero cancelar el pedido",
    "que no, cancélalo ya",
    "nein, bitte stornieren",
    "Nein! Bitte die Bestellung stornieren",
    "non, annulez la commande",
    "non merci, je veux annuler",
    "não, cancela por favor",
    "não, quero cancelar a encomenda",
]
DO_NOT_CANCEL = [
    "no, don't cancel it",
    "please do not cancel",
    "no no, do not cancel the order",
    "I never asked to cancel",
    "no, no canceles el pedido",
    "nein, bitte nicht stornieren",
    "non, ne l'annulez pas",
    "não, não cancele a encomenda",
]


@pytest.mark.parametrize("text", NO_THEN_CANCEL)
def test_a_no_before_the_request_does_not_take_it_back(text: str) -> None:
    assert asked_for(text) == {CANCEL}
    assert asked_for(text, negated=True) == set()


@pytest.mark.parametrize("text", DO_NOT_CANCEL)
def test_a_no_on_the_cancel_word_still_takes_it_back(text: str) -> None:
    assert asked_for(text) == set()
    assert asked_for(text, negated=True) == {CANCEL}


@pytest.mark.parametrize(
    "text",
    ["no, cancel 30001", "no - please cancel the order 30001", "nein, bitte 30001 stornieren"],
)
def test_no_then_cancel_cancels_an_unshipped_order(
    text: str, client: TestClient, cast: Cast, shop: Database
) -> None:
    # Ben's tote is not shipped and only authorised: the cancellation voids the payment.
    number = int(str(inbound(client, cast.shop, text, "m1", email=BEN)["ticket_number"]))
    assert [k["kind"] for k in kinds(shop, number, "commerce.")] == ["commerce.cancel"]
    assert templates(shop, number) == ["cancel_voided"]


def test_no_dont_cancel_cancels_nothing(client: TestClient, cast: Cast, shop: Database) -> None:
    text = "no, don't cancel 30001"
    number = int(str(inbound(client, cast.shop, text, "m1", email=BEN)["ticket_number"]))
    assert kinds(shop, number, "commerce.") == []
    assert "cancel_voided" not in templates(shop, number)
