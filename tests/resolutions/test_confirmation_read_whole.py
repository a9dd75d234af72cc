"""The answer to a refund offer is read whole, not for its token alone, and an action whose
money would go elsewhere waits for a person (held-out set 10):

- "yes refund... actually no, wait" refunded the money the customer had just refused;
- "YES REFUND - but for order 10238" refunded the offered order, not the one meant;
- "cancel it, but keep the money as store credit" cancelled and refunded the card;
- "dá pra devolver US$ 18?" authorised a return where money was asked back;
- an old thread pasted below the new text acted on the orders and the token quoted in it;
- "Reply with an amount up to $10.00", answered "$10", was handed off as insisting.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound
from tests.resolutions.conftest import kinds, replies, templates
from tests.resolutions.shop import ANA, _order, _paid

from minidesk.db import Database, utcnow
from minidesk.resolutions.answers import confirms

OFFER = "Can I get $15 back on order 10234? The bonsai pot arrived broken"


def _say(client: TestClient, cast: Cast, text: str, n: int) -> int:
    sent = inbound(client, cast.shop, text, f"m{n}", email=ANA, thread="t")
    return int(str(sent["ticket_number"]))


@pytest.mark.parametrize(
    "answer",
    [
        "yes refund... actually no, wait. let me think about it first",
        "YES REFUND - no wait, cancel that, I'll keep it as it is",
        "YES REFUND, mejor no",
        "YES REFUND, doch nicht",
    ],
)
def test_a_token_taken_back_moves_nothing(
    client: TestClient, cast: Cast, shop: Database, answer: str
) -> None:
    number = _say(client, cast, OFFER, 1)
    assert templates(shop, number) == ["refund_offer"]
    _say(client, cast, answer, 2)
    assert kinds(shop, number, "commerce.") == []
    [handed] = kinds(shop, number, "resolution.handed_off")
    assert handed["rule"] == "refund.no_token"


@pytest.mark.parametrize(
    "answer",
    ["YES REFUND. Thanks, and sorry for the wait", "YES REFUND, don't forget the invoice"],
)
def test_words_after_the_token_that_take_nothing_back(answer: str) -> None:
    assert confirms(answer, "YES REFUND")


def test_a_token_for_another_order_moves_nothing(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    number = _say(client, cast, OFFER, 1)
    _say(client, cast, "YES REFUND - but for order 10238, sorry, that's the one I meant", 2)
    assert kinds(shop, number, "commerce.") == []
    [handed] = kinds(shop, number, "resolution.handed_off")
    assert handed["rule"] == "refund.other_order"


def test_money_asked_back_in_us_dollars_is_offered_not_a_return(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    number = _say(
        client, cast, "O brinquedo do pedido 10234 veio lascado, dá pra devolver US$ 18?", 1
    )
    assert templates(shop, number) == ["refund_offer"]
    assert kinds(shop, number, "commerce.") == []


def test_an_old_thread_pasted_below_acts_on_nothing_it_names(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    text = (
        "Hi,\n\nCould you send me the invoice for order 10234?\n\nThanks,\nAna\n\n"
        "On Mon, 30 Nov 2026 at 10:12, Support <support@shop.example> wrote:\n"
        "> Your order 10235 is late, we are looking into it.\n>\n"
        "> On Sun, 29 Nov 2026 at 20:03, Ana Ruiz wrote:\n"
        ">> Where is my order 10235? YES REFUND"
    )
    number = _say(client, cast, text, 1)
    assert [(e["kind"], e["order_number"]) for e in kinds(shop, number, "commerce.")] == [
        ("commerce.invoice", "10234")
    ]


@pytest.mark.parametrize(
    "answer",
    [
        "Then just the $10 that's left, please.",
        "ok, what's left then",
        "Oh, I see the $30 on my statement now, sorry. Then just the $10 that's left, please.",
    ],
)
def test_the_amount_the_explanation_invites_is_offered(
    client: TestClient, cast: Cast, shop: Database, answer: str
) -> None:
    number = _say(client, cast, "please refund the full $40 on order 10238", 1)
    assert templates(shop, number) == ["refund_over_balance"]
    _say(client, cast, answer, 2)
    assert templates(shop, number) == ["refund_over_balance", "refund_offer"]
    assert "$10.00" in replies(shop, number)[-1]
    assert kinds(shop, number, "resolution.handed_off") == []


def test_more_than_the_explanation_invites_still_insists(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    number = _say(client, cast, "please refund the full $40 on order 10238", 1)
    _say(client, cast, "No, I want the whole $40", 2)
    [handed] = kinds(shop, number, "resolution.handed_off")
    assert handed["rule"] == "customer.insists"


DAN = "dan.okafor@example.com"


def _dan_with_an_unshipped_paid_order(client: TestClient, cast: Cast) -> None:
    now = utcnow()
    tables = {
        "customers": [{"ref": "c-dan", "email": DAN, "phone": "", "name": "Dan Okafor"}],
        "orders": [_order("40001", "c-dan", "Linen shirt x 1 @ 4250", 4250, now, now.date())],
        "payments": [_paid("40001", 4250)],
    }
    response = client.post("/api/v1/store/imports", json=tables, headers=cast.olivia.headers)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    "text",
    [
        "Cancelen el pedido 40001, pero no me devuelvan el dinero a la tarjeta: prefiero que "
        "quede como saldo en la tienda",
        "please cancel 40001 and send the money to my PayPal, the card no longer exists",
    ],
)
def test_a_cancellation_whose_refund_is_asked_elsewhere_waits_for_a_person(
    client: TestClient, cast: Cast, shop: Database, text: str
) -> None:
    _dan_with_an_unshipped_paid_order(client, cast)
    sent = inbound(client, cast.shop, text, "m1", email=DAN, thread="d")
    number = int(str(sent["ticket_number"]))
    assert kinds(shop, number, "commerce.") == []
    [handed] = kinds(shop, number, "resolution.handed_off")
    assert handed["rule"] == "refund.original_method_only"


def test_a_plain_cancellation_of_that_order_is_refunded_to_its_card(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    _dan_with_an_unshipped_paid_order(client, cast)
    sent = inbound(client, cast.shop, "please cancel order 40001", "m1", email=DAN, thread="d")
    number = int(str(sent["ticket_number"]))
    assert [e["kind"] for e in kinds(shop, number, "commerce.")] == ["commerce.cancel"]
