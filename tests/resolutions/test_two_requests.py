"""A message with two requests never has one silently dropped: two actions ("cancel 10239
and return 10234") go to a person with both requests in the note, and the customer is told
a person follows up; nothing moves on half of it. Where the order is and its invoice are
answered together (an action beside a read-only request: test_an_action_beside_a_question)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound
from tests.resolutions.conftest import kinds, replies, templates
from tests.resolutions.shop import ANA

from minidesk.db import Database
from minidesk.resolutions.facts import choose_flow
from minidesk.triage import taxonomy

TWO = [
    "cancel order 10239 and return 10234",
    "Please return the bonsai kit from 10234, and also cancel 10239",
    "cancela el pedido 10239 y quiero devolver el 10234",
]


@pytest.mark.parametrize("text", TWO)
def test_two_actions_go_to_a_person_together(
    text: str, client: TestClient, cast: Cast, shop: Database
) -> None:
    number = int(str(inbound(client, cast.shop, text, "m1", email=ANA)["ticket_number"]))
    assert kinds(shop, number, "commerce.") == []
    [handed] = kinds(shop, number, "resolution.handed_off")
    assert handed["rule"] == "requests.several"
    assert "cancel_order" in handed["reason"] and "return" in handed["reason"]
    assert templates(shop, number) == ["handoff"]
    assert replies(shop, number)


@pytest.mark.parametrize(
    "intent", [taxonomy.RETURN, taxonomy.CANCEL_ORDER, taxonomy.ORDER_STATUS, "unknown"]
)
def test_whatever_the_model_read_two_actions_choose_no_one_flow(intent: str) -> None:
    choice = choose_flow(intent, 0.9, TWO[0], has_order=True)
    assert (choice.flow, choice.several) == (None, (taxonomy.CANCEL_ORDER, taxonomy.RETURN))


def test_cancel_and_refund_is_one_request() -> None:
    text = "cancel 10239 and refund me"
    choice = choose_flow(taxonomy.CANCEL_ORDER, 0.9, text, has_order=True)
    assert (choice.flow, choice.several) == (taxonomy.CANCEL_ORDER, ())


# -- two requests the bot may answer together ------------------------------------------------

TOGETHER = [
    ("where is my order 10239 and can you send the invoice?", "en"),
    ("¿dónde está mi pedido 10239? y mándame la factura, por favor", "es"),
    ("Wo ist meine Bestellung 10239? Und bitte schicken Sie mir die Rechnung", "de"),
]


@pytest.mark.parametrize(("text", "language"), TOGETHER)
def test_where_is_it_and_the_invoice_are_answered_in_one_reply(
    text: str, language: str, client: TestClient, cast: Cast, shop: Database
) -> None:
    number = int(str(inbound(client, cast.shop, text, "m1", email=ANA)["ticket_number"]))
    assert [e["kind"] for e in kinds(shop, number, "commerce.")] == ["commerce.invoice"]
    assert kinds(shop, number, "resolution.handed_off") == []
    [reply] = replies(shop, number)
    assert "1ZTEST10239" in reply  # the tracking number
    assert "a***@example.com" in reply  # where the invoice went
    paragraphs = reply.split("\n\n")
    assert len(set(paragraphs)) == len(paragraphs)  # one greeting, one sign-off
    assert all(paragraph[:1] == paragraph[:1].upper() for paragraph in paragraphs)
    # One reply solved the ticket once: one event, both requests listed (rules and webhooks
    # on resolution.closed act once per ticket).
    [closed] = kinds(shop, number, "resolution.closed")
    assert closed["flows"] == [taxonomy.ORDER_STATUS, taxonomy.INVOICE]
    assert closed["rules"] == ["order.tracking", "invoice.email_on_file"]
    assert (closed["flow"], closed["rule"]) == (taxonomy.INVOICE, "invoice.email_on_file")


def test_a_late_order_and_its_invoice_get_the_reship_and_the_invoice(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    text = "where is my order 10235?? also need the receipt"
    number = int(str(inbound(client, cast.shop, text, "m1", email=ANA)["ticket_number"]))
    done = [e["kind"] for e in kinds(shop, number, "commerce.")]
    assert sorted(done) == ["commerce.invoice", "commerce.reship"]
    assert len(replies(shop, number)) == 1


def test_a_question_about_the_invoice_itself_is_one_request() -> None:
    # "it never arrived" is the invoice here: no status clause of its own, so no reship.
    choice = choose_flow(
        "unknown", 0.0, "where is my invoice for 10235? it never arrived", has_order=True
    )
    assert (choice.flow, choice.together) == (taxonomy.INVOICE, ())


ONE_ORDER_AND_THE_INVOICE_OF_ANOTHER = [
    "where is order 10239, and send me the invoice for 10234",
    # Held-out set 7: the invoice first, the other order's arrival after it.
    "¿me pueden mandar la factura de 10234? y de paso díganme cuándo llega 10239",
    "Schicken Sie mir bitte die Rechnung für 10234. Wann kommt 10239 an?",
]


@pytest.mark.parametrize("text", ONE_ORDER_AND_THE_INVOICE_OF_ANOTHER)
def test_where_is_one_order_and_the_invoice_of_another_are_each_answered_on_their_own(
    text: str, client: TestClient, cast: Cast, shop: Database
) -> None:
    number = int(str(inbound(client, cast.shop, text, "m1", email=ANA)["ticket_number"]))
    assert [(e["kind"], e["order_number"]) for e in kinds(shop, number, "commerce.")] == [
        ("commerce.invoice", "10234")
    ]
    assert kinds(shop, number, "resolution.handed_off") == []
    [reply] = replies(shop, number)
    assert "1ZTEST10239" in reply  # the tracking number of the order asked about


def test_an_invoice_beside_a_clause_naming_two_orders_goes_to_a_person(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    # Which order the invoice is for cannot be told: nothing is sent unseen.
    text = "where is 10239 or 10235? send me the invoice"
    number = int(str(inbound(client, cast.shop, text, "m1", email=ANA)["ticket_number"]))
    assert kinds(shop, number, "commerce.") == []
    [handed] = kinds(shop, number, "resolution.handed_off")
    assert handed["rule"] == "requests.several"


def test_the_invoice_of_a_cancelled_order_is_not_sent_unseen_beside_its_explanation(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    # The status of 10236 is an explanation (cancelled), not a closed answer: a person takes
    # both rather than the invoice being dropped.
    text = "where is my order 10236 and can you send the invoice?"
    number = int(str(inbound(client, cast.shop, text, "m1", email=ANA)["ticket_number"]))
    assert kinds(shop, number, "commerce.") == []
    [handed] = kinds(shop, number, "resolution.handed_off")
    assert handed["rule"] == "requests.several"
    assert len(replies(shop, number)) == 1


# -- the attacks: money never moves beyond what one request alone would move --------------------

MONEY_ON_TWO_ORDERS = [
    "refund me $45 for 10234 and cancel 10239",
    "cancel 10239 and refund 10237 please",
    "reembólsame 40 dólares del 10234 y cancela el 10239",
]


@pytest.mark.parametrize("text", MONEY_ON_TWO_ORDERS)
def test_a_refund_and_a_cancel_on_two_orders_move_nothing(
    text: str, client: TestClient, cast: Cast, shop: Database
) -> None:
    number = int(str(inbound(client, cast.shop, text, "m1", email=ANA)["ticket_number"]))
    assert kinds(shop, number, "commerce.") == []
    assert kinds(shop, number, "resolution.asked") == []  # no refund offered either
    [handed] = kinds(shop, number, "resolution.handed_off")
    assert handed["rule"] == "requests.several"


def test_a_status_answer_never_reships_the_order_the_same_message_cancels(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    # 10235 is late enough for a reship alone; beside "cancel it" a person decides.
    text = "where is 10235 and cancel it please"
    number = int(str(inbound(client, cast.shop, text, "m1", email=ANA)["ticket_number"]))
    assert kinds(shop, number, "commerce.") == []
    [handed] = kinds(shop, number, "resolution.handed_off")
    assert handed["rule"] == "reship.beside_action"


def test_an_unknown_second_part_is_handed_off_as_before(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    text = "cancel order 10239 and also delete my account data"
    choice = choose_flow(taxonomy.CANCEL_ORDER, 0.9, text, has_order=True)
    assert choice.together == ()


def test_a_part_that_asks_which_order_leaves_the_question_to_the_person(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    # Ana has several orders and names none: the status part would ask "which order?", but
    # the invoice beside it goes to a person, who asks; one reply, no contradicting question.
    text = "where is my parcel? and can you send me the invoice as well"
    number = int(str(inbound(client, cast.shop, text, "m1", email=ANA)["ticket_number"]))
    [handed] = kinds(shop, number, "resolution.handed_off")
    assert handed["rule"] == "requests.several"
    [reply] = replies(shop, number)
    assert "Which order" not in reply and "follow up" in reply


@pytest.mark.parametrize(
    "text",
    [
        "Order 10235 is two weeks late. Please send a replacement anyway, and refund me the $45",
        "the toy arrived broken, I want a refund or a replacement, 10234",
        "manda outra e me devolve o dinheiro, pedido 10235",
        "bitte schicken Sie Ersatz und erstatten Sie mir 20 Dollar, Bestellung 10235",
    ],
)
def test_a_refund_beside_a_replacement_goes_to_a_person(text: str) -> None:
    """Held-out set 11: the refund moved and the replacement asked beside it was dropped
    without a word; both for one parcel is a person's call."""
    chosen = choose_flow("unknown", 0.1, text, has_order=True)
    assert (chosen.flow, chosen.several) == (None, (taxonomy.REFUND, "reship"))


@pytest.mark.parametrize(
    "text",
    [
        "refund $10 on 10234 and send me a new invoice please",
        "please resend the invoice and refund $10 on 10234",
    ],
)
def test_a_paper_sent_anew_is_no_replacement(text: str) -> None:
    assert choose_flow("unknown", 0.1, text, has_order=True).several != (
        taxonomy.REFUND,
        "reship",
    )


def test_a_replacement_alone_is_no_second_request() -> None:
    text = "WHERE IS ORDER 10235?? IT WAS DUE A WEEK AGO. SEND ANOTHER ONE NOW!!!"
    assert choose_flow(taxonomy.ORDER_LATE, 0.9, text, has_order=True).flow == taxonomy.ORDER_STATUS
