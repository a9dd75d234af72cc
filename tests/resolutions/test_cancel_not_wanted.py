"""A hedged negation a few words before the cancel word still governs it: "I don't really
want to cancel", "I'm not sure I want to cancel", "I didn't mean to cancel", "I no longer
want to cancel" were read as requests to cancel (two words were allowed between "not" and
the action), and an unshipped order was cancelled for a customer who had said they did not
want that. The reach widens only through a word of wanting or deciding: a negated verb with
the action word as its object ("can't remember my password") asks for it all the same, a
plain "no" answering the bot keeps its short reach, and a comma still ends the phrase."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound
from tests.resolutions.conftest import kinds
from tests.resolutions.shop import BEN

from minidesk.db import Database
from minidesk.resolutions.framing import asked_for
from minidesk.triage import taxonomy

CANCEL, REFUND = taxonomy.CANCEL_ORDER, taxonomy.REFUND

NOT_WANTED = [
    ("I don't really want to cancel", CANCEL),
    ("I do not actually want to cancel the order", CANCEL),
    ("I don't think I want to cancel anymore", CANCEL),
    ("I'm not sure I want to cancel", CANCEL),
    ("I didn't mean to cancel", CANCEL),
    ("we wouldn't want to cancel it", CANCEL),
    ("I no longer want to cancel", CANCEL),
    ("I haven't decided whether to cancel", CANCEL),
    ("I don't think I really want a refund", REFUND),
    ("I can't decide whether to cancel", CANCEL),
    ("ich will die Bestellung eigentlich gar nicht mehr stornieren", CANCEL),
    ("je ne suis pas sûr de vouloir annuler", CANCEL),
    ("no estoy seguro de querer cancelar", CANCEL),
    ("não tenho a certeza se quero cancelar", CANCEL),
]
STILL_ASKED = [
    ("No I want to cancel", CANCEL),
    ("no, I really want to cancel it now", CANCEL),
    ("I don't want to wait any longer, cancel it", CANCEL),
    ("not happy. cancel the order", CANCEL),
    ("I can't wait, please refund me", REFUND),
    ("I don't need it anymore please cancel", CANCEL),
    ("I can't remember my password", taxonomy.PASSWORD_RESET),
]


@pytest.mark.parametrize(("text", "action"), NOT_WANTED)
def test_a_hedged_negation_takes_the_action_back(text: str, action: str) -> None:
    assert action not in asked_for(text)
    assert action in asked_for(text, negated=True)


@pytest.mark.parametrize(("text", "action"), STILL_ASKED)
def test_a_request_after_the_phrase_ends_is_still_asked(text: str, action: str) -> None:
    assert action in asked_for(text)


@pytest.mark.parametrize(
    "text",
    [
        "I don't really want to cancel order 30001, when does it ship?",
        "I'm not sure I want to cancel 30001",
        "I didn't mean to cancel 30001",
    ],
)
def test_an_order_is_not_cancelled_for_a_customer_who_does_not_want_it(
    text: str, client: TestClient, cast: Cast, shop: Database
) -> None:
    number = int(str(inbound(client, cast.shop, text, "m1", email=BEN)["ticket_number"]))
    assert [k["kind"] for k in kinds(shop, number, "commerce.")] == []
