"""A refund asked to go anywhere but the order's own card is handed off, in every language the
desk speaks (POLICIES.md: "a request to send it elsewhere is handed off"), when it is asked
and when the offer is confirmed.

Held-out set 5: the check read English only, so "sur ma nouvelle carte" or "no meu cartão
novo" got an offer to the order's old card, and the token would have moved the money there.
Held-out set 9: "YES REFUND, but please put it on my Mastercard ending 5454, the Visa is
closed" refunded the closed Visa: the confirmation was read for its token only.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound
from tests.resolutions.conftest import kinds, templates
from tests.resolutions.shop import ANA

from minidesk.commerce.connector import PaymentRecord, PaymentStatus
from minidesk.commerce.money import Money
from minidesk.db import Database
from minidesk.resolutions.elsewhere import asks_elsewhere

ELSEWHERE = [
    "Please refund $20 on order 10234 to my new card",
    "Reembolsen 20 dólares del pedido 10234 a mi tarjeta nueva, por favor",
    "Bitte erstatten Sie 20 Dollar für Bestellung 10234 auf meine neue Karte",
    "Remboursez 20 dollars de la commande 10234 sur ma nouvelle carte s'il vous plaît",
    "Quero o reembolso de 20 dólares da encomenda 10234 por Pix",
    "Quero o reembolso de 20 dólares da encomenda 10234 no meu cartão novo",
    "Please refund $20 on order 10234 to my Mastercard",
    "Refund $20 of order 10234 to the card ending in 5454 please",
    "Can I get $20 back on 10234? My Visa was stolen last week",
    "Bitte 20 Dollar für 10234 erstatten, die Kreditkarte ist gesperrt",
]


@pytest.mark.parametrize("text", ELSEWHERE)
def test_a_refund_to_somewhere_else_is_handed_off_whatever_the_language(
    client: TestClient, cast: Cast, shop: Database, text: str
) -> None:
    number = int(
        str(inbound(client, cast.shop, text, "m1", email=ANA, thread="t")["ticket_number"])
    )
    assert "refund_offer" not in templates(shop, number)
    [handed] = kinds(shop, number, "resolution.handed_off")
    assert handed["rule"] == "refund.original_method_only"
    inbound(client, cast.shop, "YES REFUND", "m2", email=ANA, thread="t")
    assert kinds(shop, number, "commerce.") == []


OFFER = "Can I get $15 back on order 10234? The bonsai pot arrived broken"


@pytest.mark.parametrize(
    "answer",
    [
        "YES REFUND, but please put it on my Mastercard ending 5454, the Visa is closed",
        "yes refund to my paypal pls",
        "YES REFUND — the card ending 4242 expired, use my new card",
        "SÍ YES REFUND, pero a mi tarjeta nueva",
    ],
)
def test_a_confirmation_that_asks_for_the_money_elsewhere_moves_nothing(
    client: TestClient, cast: Cast, shop: Database, answer: str
) -> None:
    number = int(
        str(inbound(client, cast.shop, OFFER, "m1", email=ANA, thread="t")["ticket_number"])
    )
    assert templates(shop, number) == ["refund_offer"]
    inbound(client, cast.shop, answer, "m2", email=ANA, thread="t")
    assert kinds(shop, number, "commerce.") == []
    [handed] = kinds(shop, number, "resolution.handed_off")
    assert handed["rule"] == "refund.original_method_only"


def test_the_orders_own_card_named_in_the_confirmation_still_refunds(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    number = int(
        str(inbound(client, cast.shop, OFFER, "m1", email=ANA, thread="t")["ticket_number"])
    )
    inbound(
        client, cast.shop, "YES REFUND to my Visa ending 4242, thanks", "m2", email=ANA, thread="t"
    )
    assert [e["kind"] for e in kinds(shop, number, "commerce.")] == ["commerce.refund"]


def _paid(method: str, last4: str) -> PaymentRecord:
    usd = Money(100, "USD")
    return PaymentRecord("p-1", method, last4, PaymentStatus.CAPTURED, usd, usd, Money(0, "USD"))


VISA, PAYPAL = _paid("Visa", "4242"), _paid("PayPal", "")


@pytest.mark.parametrize(
    ("text", "payment", "elsewhere"),
    [
        ("refund it to my visa please", VISA, False),
        ("to the card ending 4242", VISA, False),
        ("**** 4242 is fine", VISA, False),
        ("refund my paypal please", PAYPAL, False),
        ("put it on my visa", PAYPAL, True),
        ("last four digits 9999", VISA, True),
        ("refund it to my card, I cancelled the order", VISA, False),
        ("my account is closed anyway, just refund it", VISA, False),
        ("I discovered the pot was cracked", VISA, False),
        ("the card I paid with was cancelled", VISA, True),
        ("meine Karte ist abgelaufen", VISA, True),
        ("ma carte est bloquée", VISA, True),
        ("to my American Express", VISA, True),
    ],
)
def test_what_counts_as_elsewhere(text: str, payment: PaymentRecord, elsewhere: bool) -> None:
    assert asks_elsewhere(text, payment) is elsewhere
