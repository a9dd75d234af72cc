"""The new address is stored as the customer's address lines, without the sentence around
them: "Die neue Adresse lautet: Bergstraße 7, …" was the parcel's first line (held-out set 9)."""

from __future__ import annotations

import pytest

from minidesk.resolutions.address_lines import parse_address

PINE = ["22 Pine St", "Portland", "OR 97201", "US"]


@pytest.mark.parametrize(
    ("answer", "lines"),
    [
        ("22 Pine St, Portland, OR 97201, US", PINE),
        ("Die neue Adresse lautet: Bergstraße 7, 10115 Berlin, Deutschland",
         ["Bergstraße 7", "10115 Berlin", "Deutschland"]),
        ("ok, 22 Pine St, Portland, OR 97201, US", PINE),
        ("please send it to 22 Pine St, Portland, OR 97201, US", PINE),
        ("My new address is 22 Pine St, Portland, OR 97201, US. Thanks!", PINE),
        ("Hi,\n\n22 Pine St\nPortland\nOR 97201\nUS\n\nThanks,\nEmma", PINE),
        ("22 Pine St\nPortland\nOR 97201\nUS\n\nKind regards\nEmma Garcia", PINE),
        ("New address: 22 Pine St, Portland, OR 97201, US", PINE),
        ("la nueva dirección es Calle Mayor 5, 28013 Madrid, España",
         ["Calle Mayor 5", "28013 Madrid", "España"]),
        ("ma nouvelle adresse est 8 rue de la Paix, 75002 Paris, France",
         ["8 rue de la Paix", "75002 Paris", "France"]),
        # Kept as given: a state code that is a word, a flat before the street.
        ("123 Main St, Tulsa, OK 74103, US", ["123 Main St", "Tulsa", "OK 74103", "US"]),
        ("Apartment B, 12 High St, Leeds, LS1 4AB, UK",
         ["Apartment B", "12 High St", "Leeds", "LS1 4AB", "UK"]),
        ("Flat 3, 12 High St, Leeds, LS1 4AB", ["Flat 3", "12 High St", "Leeds", "LS1 4AB"]),
        ("Apt: 5, 12 High St, Leeds, LS1 4AB", ["Apt: 5", "12 High St", "Leeds", "LS1 4AB"]),
        ("Nueva dirección: Calle Mayor 5, 28013 Madrid, España",
         ["Calle Mayor 5", "28013 Madrid", "España"]),
    ],
)  # fmt: skip
def test_the_address_lines_without_the_words_around_them(answer: str, lines: list[str]) -> None:
    assert parse_address(answer) == lines


@pytest.mark.parametrize(
    "answer",
    [
        "can you send it to my office instead?",
        "the same as before but flat 2",
        "ok thanks",
        "Hi, thanks, Emma",
    ],
)
def test_what_is_not_plainly_an_address_is_none(answer: str) -> None:
    assert parse_address(answer) is None
