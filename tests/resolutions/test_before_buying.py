"""A question before buying ("do you ship to Canada?", "¿hacen envíos a México?") is no
question about an order: the bot asked "which order is this about?" of a customer who had
none (held-out set 9). Like any question with no supported intent, it gets an article when
one answers it confidently, else a person (POLICIES.md, out of scope)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound
from tests.resolutions.conftest import kinds, templates
from tests.resolutions.shop import ANA

from minidesk.db import Database
from minidesk.resolutions.facts import STATUS, choose_flow
from minidesk.triage import taxonomy

BEFORE_BUYING = [
    "Hi! Do you ship to Canada? And if so, roughly how long does delivery take?",
    "how long does delivery take if I order today?",
    "¿Hacen envíos a México? ¿Cuánto tarda?",
    "Liefern Sie auch nach Österreich?",
    "Livrez-vous en Belgique ?",
    "Vocês entregam em Portugal?",
]


@pytest.mark.parametrize("text", BEFORE_BUYING)
def test_a_question_before_buying_starts_no_order_flow(text: str) -> None:
    assert choose_flow(taxonomy.DELIVERY_TIME, 0.58, text, has_order=False).flow is None


@pytest.mark.parametrize(
    ("text", "has_order"),
    [
        ("do you ship to Canada? my order is still not here", False),
        ("do you deliver on weekends? order 10239", True),
        ("how long does delivery take?", False),
    ],
)
def test_a_parcel_of_the_customers_is_still_a_status_question(text: str, has_order: bool) -> None:
    assert choose_flow(taxonomy.DELIVERY_TIME, 0.58, text, has_order=has_order).flow == STATUS


def test_the_bot_does_not_ask_which_order(client: TestClient, cast: Cast, shop: Database) -> None:
    number = int(
        str(inbound(client, cast.shop, BEFORE_BUYING[0], "m1", email=ANA)["ticket_number"])
    )
    assert "ask_order" not in templates(shop, number)
    answered = kinds(shop, number, "kb.answered")
    handed = kinds(shop, number, "resolution.handed_off")
    assert answered or [h["rule"] for h in handed] == ["intent.unsupported"]
