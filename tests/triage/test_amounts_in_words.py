"""A sum spelled out before its currency is an amount, in the five languages: "would it be
possible to get fifty dollars back?" named none and went to a person (held-out set 9)."""

from __future__ import annotations

import pytest

from minidesk.triage.entities import extract_entities
from minidesk.triage.number_words import value


@pytest.mark.parametrize(
    ("text", "minor", "currency"),
    [
        ("would it be possible to get fifty dollars back?", 5000, "USD"),
        ("a hundred bucks would be fair", 10000, "USD"),
        ("I'd like twenty-five euros back", 2500, "EUR"),
        ("one hundred and fifty dollars", 15000, "USD"),
        ("me devuelven cincuenta dólares?", 5000, "USD"),
        ("veinticinco dólares por favor", 2500, "USD"),
        ("bitte fünfundzwanzig Euro zurück", 2500, "EUR"),
        ("zwanzig Dollar für 10234", 2000, "USD"),
        ("quatre-vingt-dix euros", 9000, "EUR"),
        ("vinte e cinco reais de volta", 2500, "BRL"),
        # A word with "und" in it is no German number: "Kunden" before "zwanzig".
        ("bitte den Kunden zwanzig Euro erstatten", 2000, "EUR"),
        ("einundvierzig Euro", 4100, "EUR"),
    ],
)
def test_a_sum_in_words_is_an_amount(text: str, minor: int, currency: str) -> None:
    [amount] = extract_entities(text)["amounts"]
    assert (amount["amount_minor"], amount["currency"]) == (minor, currency)


@pytest.mark.parametrize(
    "text",
    ["get a dollar back", "the euro is weak", "someone said dollars", "ten items, no refund"],
)
def test_words_that_are_no_sum_name_no_amount(text: str) -> None:
    assert extract_entities(text)["amounts"] == []


def test_a_sum_in_digits_is_read_once() -> None:
    assert [a["text"] for a in extract_entities("I paid 24.99 dollars")["amounts"]] == [
        "24.99 dollars"
    ]


@pytest.mark.parametrize(
    ("words", "number"),
    [("soixante-dix", 70), ("quatre-vingts", 80), ("deux cent cinquante", 250),
     ("cento e vinte", 120), ("doscientos", 200), ("a", None), ("thousand", None)],
)  # fmt: skip
def test_number_words(words: str, number: int | None) -> None:
    assert value(words) == number
