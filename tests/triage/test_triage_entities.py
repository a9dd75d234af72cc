from __future__ import annotations

from typing import Any

import pytest

from minidesk.triage.entities import extract_entities, to_minor

CASES: list[tuple[str, str, list[Any]]] = [
    ("Where is my order #1001?", "order_numbers", ["1001"]),
    ("order 1001 arrived broken", "order_numbers", ["1001"]),
    ("about ORD-12345 please", "order_numbers", ["ORD-12345"]),
    ("my order number is 113542617735902", "order_numbers", ["113542617735902"]),
    ("Bestellung 4711 fehlt", "order_numbers", ["4711"]),
    ("tracking 1Z999AA10123456784", "tracking_numbers", ["1Z999AA10123456784"]),
    ("royal mail RR123456789GB", "tracking_numbers", ["RR123456789GB"]),
    ("fedex tracking 123456789012", "tracking_numbers", ["123456789012"]),
    ("write to jane.doe+shop@example.co.uk", "emails", ["jane.doe+shop@example.co.uk"]),
    ("call me on +1 (415) 555-0100", "phones", ["+1 (415) 555-0100"]),
    ("on 2024-05-03 it broke", "dates", ["2024-05-03"]),
    ("delivered on March 3rd, 2024", "dates", ["March 3rd, 2024"]),
]


@pytest.mark.parametrize(("text", "kind", "expected"), CASES)
def test_entities(text: str, kind: str, expected: list[Any]) -> None:
    assert extract_entities(text)[kind] == expected


@pytest.mark.parametrize(
    ("text", "minor", "currency"),
    [
        ("refund $24 please", 2400, "USD"),
        ("it cost 24.00 USD", 2400, "USD"),
        ("€15,50 back", 1550, "EUR"),
        ("£10 off", 1000, "GBP"),
        ("12,99 € zurück", 1299, "EUR"),
        ("EUR 1.234,56", 123456, "EUR"),
        ("$1,234.50 total", 123450, "USD"),
        ("50 dollars", 5000, "USD"),
    ],
)
def test_amounts_in_minor_units(text: str, minor: int, currency: str) -> None:
    (amount,) = extract_entities(text)["amounts"]
    assert (amount["amount_minor"], amount["currency"]) == (minor, currency)


def test_amount_is_not_an_order_and_tracking_is_not_a_phone() -> None:
    ent = extract_entities("Refund $24.00 for order #1001, tracking 1Z999AA10123456784")
    assert ent["order_numbers"] == ["1001"]
    assert ent["phones"] == []
    assert [a["amount_minor"] for a in ent["amounts"]] == [2400]


def test_yen_has_no_minor_unit() -> None:
    assert to_minor("500", "JPY") == 500
