"""A customer asking WHERE their refund is, or WHAT the refund policy is, asks no money to move:
the refund flow (offer, token, money) starts only on a request to give money back."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound, money_moved
from tests.resolutions.conftest import kinds, templates
from tests.resolutions.shop import ANA

from minidesk.db import Database
from minidesk.resolutions.facts import choose_flow
from minidesk.triage import taxonomy

PAST_REFUNDS = 6000  # the shop's two refunds made before any test message


# Bitext wordings that had money moved (the first two) or an approval requested, and the
# same questions in the other four languages.
QUESTIONS = [
    "checking status of refund for order 10235",
    "can I check your money back policy? order 10235",
    "I am waiting for a reimbursement of $40, order 10235",
    "help seeing how long reimbursements usually take, order 10235",
    "where's my refund for 10235?? it's been a week",
    "¿Dónde está el reembolso del pedido 10235? Todavía no lo he recibido",
    "Wo bleibt meine Erstattung für Bestellung 10235?",
    "Quelle est votre politique de remboursement ? commande 10235",
    "Ainda não recebi o reembolso da encomenda 10235",
]


@pytest.mark.parametrize("text", QUESTIONS)
def test_a_question_about_a_refund_moves_no_money_even_with_the_token(
    client: TestClient, cast: Cast, shop: Database, text: str
) -> None:
    first = inbound(client, cast.shop, text, "m1", email=ANA, thread="t1")
    inbound(client, cast.shop, "YES REFUND", "m2", email=ANA, thread="t1")
    number = int(str(first["ticket_number"]))
    assert "refund_offer" not in templates(shop, number)
    assert kinds(shop, number, "commerce.") == []
    assert money_moved(shop) == PAST_REFUNDS
    assert kinds(shop, number, "approval.") == []  # nor a senior manager asked to approve one


def test_a_refund_asked_for_is_still_offered(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    first = inbound(client, cast.shop, "could I just get a refund for 10235?", "m1", email=ANA)
    assert templates(shop, int(str(first["ticket_number"]))) == ["refund_offer"]


# The model's reading against the words: a refund is offered only when asked for.
CASES = [
    (taxonomy.REFUND_STATUS, 0.96, "checking status of refund", None),
    (taxonomy.REFUND_POLICY, 1.0, "can I check your money back policy?", None),
    (taxonomy.REFUND_POLICY, 0.98, "in which cases can I ask for a refund", None),
    (taxonomy.REFUND_STATUS, 0.94, "anything new on the refund", None),
    (taxonomy.REFUND_STATUS, 0.98, "I expect a refund of $1499", None),
    # A refund question that also mentions lateness is still not a parcel question.
    ("unknown", 0.1, "when will I get my refund for 10235?", None),
    # The model alone never starts a refund: the words must ask for one.
    (taxonomy.REFUND, 0.99, "this is unacceptable, order 10235", None),
    # A plain request is a request, whatever the model read.
    (taxonomy.REFUND_POLICY, 0.6, "refund me for order 10235 please", taxonomy.REFUND),
    ("unknown", 0.05, "could I just get a refund?", taxonomy.REFUND),
    ("unknown", 0.05, "Could I get 10 dollars back?", taxonomy.REFUND),
    # Money given back in so many words, in each language: a refund, never a return.
    ("unknown", 0.05, "Quiero que me devuelvan 15 dólares del pedido 10235", taxonomy.REFUND),
    (taxonomy.RETURN, 0.7, "¿Me pueden devolver 12,50 € del pedido 10235?", taxonomy.REFUND),
    (taxonomy.RETURN, 0.7, "Podem devolver-me 20 reais da encomenda 10235", taxonomy.REFUND),
    ("unknown", 0.05, "Ich hätte gern 15 Euro zurück für Bestellung 10235", taxonomy.REFUND),
    ("unknown", 0.05, "Pouvez-vous me rendre 15 € sur la commande 10235", taxonomy.REFUND),
    ("unknown", 0.05, "just give me back $15 for order 10235", taxonomy.REFUND),
    # Read as a question about a refund, the words still ask for one.
    (taxonomy.REFUND_STATUS, 0.45, "$30 refund on 10235 please, it's scratched", taxonomy.REFUND),
    (taxonomy.REFUND_STATUS, 0.45, "Que me devuelvan 15 € del pedido 10235", taxonomy.REFUND),
    # Items given back are a return, however many.
    ("unknown", 0.05, "quiero devolver 2 camisetas del pedido 10235", taxonomy.RETURN),
    ("unknown", 0.05, "quero devolver o casaco da encomenda 10235", taxonomy.RETURN),
]


@pytest.mark.parametrize(("intent", "confidence", "text", "flow"), CASES)
def test_only_a_request_for_money_starts_the_refund_flow(
    intent: str, confidence: float, text: str, flow: str | None
) -> None:
    has_order = any(ch.isdigit() for ch in text)
    assert choose_flow(intent, confidence, text, has_order=has_order).flow == flow


@pytest.mark.parametrize(
    "text",
    [
        "I was charged $35 instead of $20 on order 10235, refund me please",
        "refund $20 for the lamp and $15 for the chair, order 10235",
        "Quiero que me devuelvan 10 € o 15 € del pedido 10235",
    ],
)
def test_two_amounts_in_a_refund_request_go_to_a_person_never_the_first_offered(
    client: TestClient, cast: Cast, shop: Database, text: str
) -> None:
    first = inbound(client, cast.shop, text, "m1", email=ANA, thread="t1")
    inbound(client, cast.shop, "YES REFUND", "m2", email=ANA, thread="t1")
    number = int(str(first["ticket_number"]))
    assert templates(shop, number) == ["handoff"]
    [handed] = kinds(shop, number, "resolution.handed_off")
    assert handed["rule"] == "refund.amounts_unclear"
    assert money_moved(shop) == PAST_REFUNDS


def test_the_same_amount_twice_is_one_amount(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    text = "refund $20 on order 10235 please, yes $20"
    first = inbound(client, cast.shop, text, "m1", email=ANA)
    assert templates(shop, int(str(first["ticket_number"]))) == ["refund_offer"]
