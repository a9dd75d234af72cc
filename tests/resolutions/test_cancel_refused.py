"""An action named and then refused is not asked for: "Cancel 30001? No way, I still want
it" cancelled Ben's unshipped order (only the words before an action were read, and the
question named it), and so did "hypothetically, could I cancel 30001?" (the comma ended the
supposing phrase). The words after the last mention now take it back when they refuse it
right after the question, say the customer still wants the order, or correct themselves
("… actually I changed my mind", where "changed my mind" alone is the reason to cancel);
a sentence framed as make-believe is supposed, whatever its commas. "No rush" and "no need
to reply" refuse nothing."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound
from tests.resolutions.conftest import kinds
from tests.resolutions.shop import BEN

from minidesk.db import Database
from minidesk.resolutions.framing import asked_for, supposed
from minidesk.triage import taxonomy

CANCEL, REFUND, ADDRESS = taxonomy.CANCEL_ORDER, taxonomy.REFUND, taxonomy.ADDRESS_CHANGE

REFUSED = [
    ("Cancel 30001? No way, I still want it", CANCEL),
    ("cancel order 30001?? nope", CANCEL),
    ("Should I cancel 30001? Nah.", CANCEL),
    ("Can you cancel 30001? I do want it, I just need it sooner", CANCEL),
    ("I want to cancel 30001... actually I changed my mind", CANCEL),
    ("please cancel 30001 - never mind, it just shipped", CANCEL),
    ("A refund for 30001? No, I want a replacement", REFUND),
    ("¿Cancelar el pedido 30001? No, todavía lo quiero", CANCEL),
    ("Stornieren? Nein, ich will sie behalten", CANCEL),
    ("Annuler la commande 30001 ? Non, je la garde", CANCEL),
    ("Cancelar a encomenda 30001? Não, ainda a quero", CANCEL),
]
STILL_ASKED = [
    ("can you cancel 30001? no rush", CANCEL),
    ("Can you cancel 30001? No need to reply", CANCEL),
    ("Can you cancel 30001? Not the other one though", CANCEL),
    ("I want to cancel 30001, I still want the other order", CANCEL),
    ("can I get a refund? no problem if it takes a week", REFUND),
    ("can I still cancel 30001? changed my mind", CANCEL),
    ("¿pueden cancelar el pedido 30001? no hay prisa", CANCEL),
    ("podem cancelar a encomenda 30001? não há pressa", CANCEL),
    ("Can I get a refund? No one answered my last email", REFUND),
    ("can you change the address on 30001? I still want it delivered, to my office", ADDRESS),
    ("can you resend the invoice for 30001? no email came", taxonomy.INVOICE),
]
MAKE_BELIEVE = [
    "hypothetically, could I cancel 30001?",
    "in theory, can I cancel order 30001?",
    "out of curiosity, could I still cancel 30001",
    "rein hypothetisch, könnte ich 30001 stornieren?",
    "hipotéticamente, ¿podría cancelar el pedido 30001?",
]


@pytest.mark.parametrize(("text", "action"), REFUSED)
def test_an_action_refused_after_it_is_named_is_taken_back(text: str, action: str) -> None:
    assert action not in asked_for(text)
    assert action in asked_for(text, negated=True)


@pytest.mark.parametrize(("text", "action"), STILL_ASKED)
def test_words_after_that_refuse_nothing_leave_the_request(text: str, action: str) -> None:
    assert action in asked_for(text)


@pytest.mark.parametrize("text", MAKE_BELIEVE)
def test_a_make_believe_sentence_only_supposes_the_cancellation(text: str) -> None:
    assert CANCEL not in asked_for(text)
    assert CANCEL in supposed(text)


@pytest.mark.parametrize("text", [REFUSED[0][0], REFUSED[4][0], MAKE_BELIEVE[0]])
def test_the_order_is_not_cancelled(
    text: str, client: TestClient, cast: Cast, shop: Database
) -> None:
    number = int(str(inbound(client, cast.shop, text, "m1", email=BEN)["ticket_number"]))
    assert [k["kind"] for k in kinds(shop, number, "commerce.")] == []


def test_a_request_with_no_rush_still_cancels(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    text = "can you cancel order 30001? no rush"
    number = int(str(inbound(client, cast.shop, text, "m1", email=BEN)["ticket_number"]))
    assert [k["kind"] for k in kinds(shop, number, "commerce.")] == ["commerce.cancel"]
