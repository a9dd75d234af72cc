from __future__ import annotations

import os

import pytest

from minidesk.triage import UNKNOWN_INTENT, TriageResult, analyse
from minidesk.triage.priority import infer_priority


def test_policy_words_make_p1_with_readable_reasons() -> None:
    r = analyse("This is a disgrace. I'll do a chargeback on order #1001!")
    assert r.priority == "P1"
    assert "legal" in r.flags
    assert "'chargeback'" in r.priority_reasons[0]
    assert "sentiment" in r.priority_reasons[0]
    assert r.entities["order_numbers"] == ["1001"]


def test_health_safety_is_p1_and_human_please_is_only_a_flag() -> None:
    assert analyse("the heater started a fire in my kitchen").priority == "P1"
    r = analyse("can I talk to a human about my order")
    assert "human_please" in r.flags and r.priority != "P1"


def test_priority_levels() -> None:
    assert infer_priority(intent="newsletter", sentiment_score=0.0, flags=[], text="")[0] == "P4"
    assert infer_priority(intent="refund", sentiment_score=-0.9, flags=[], text="")[0] == "P2"
    assert (
        infer_priority(intent="refund", sentiment_score=0.0, flags=[], text="I need this urgently")[
            0
        ]
        == "P2"
    )
    assert infer_priority(intent="refund", sentiment_score=0.0, flags=[], text="hi")[0] == "P3"


def test_default_model_knows_the_desk_intents() -> None:
    assert analyse("I want to cancel my order").intent == "cancel_order"
    assert analyse("how do I reset my password").intent == "password_reset"
    assert analyse("I want to return these shoes").intent == "return"
    r = analyse("asdf qwer zxcv")
    assert r.intent == UNKNOWN_INTENT and r.model_version.startswith("default-")


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\x00\x01\x02",
        "🙂" * 5000,
        "a" * 1_000_000,
        os.urandom(2000).decode("latin-1"),
        "\ud800 lone surrogate",
        "<script>alert(1)</script>",
        "#" * 300,
    ],
)
def test_never_raises_on_weird_input(text: str) -> None:
    r = analyse(text, subject="\x00")
    assert isinstance(r, TriageResult)
    assert r.priority in {"P1", "P2", "P3", "P4"}


def test_language_comes_from_workspace_languages() -> None:
    assert analyse("Wo ist meine Bestellung?", languages=("en", "de")).language == "de"
    assert analyse("Wo ist meine Bestellung?", languages=("fr",)).language == "fr"

