"""Customers write in English, Spanish, German, French and Portuguese: the shipped model and
rules read each through the API channel (intent, language, policy flags, orders, dates).

``multilingual_heldout.jsonl`` is our own small held-out set: none of its sentences is in
the training data (``seed_examples.jsonl`` or the Bitext releases).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound

from minidesk.triage import analyse
from minidesk.triage.encoder import MUSE
from minidesk.triage.registry import DEFAULT_MODEL_DIR
from minidesk.triage.taxonomy import ORDER_LATE

HELDOUT = [
    json.loads(line)
    for line in (Path(__file__).parent / "multilingual_heldout.jsonl")
    .read_text("utf-8")
    .splitlines()
    if line.strip()
]
SEEDS = (DEFAULT_MODEL_DIR.parent / "seed_examples.jsonl").read_text("utf-8")


def _triaged(client: TestClient, cast: Cast, text: str, external_id: str) -> dict[str, Any]:
    """The ``message.triaged`` event of a message posted by a new customer."""
    body = inbound(client, cast.alice, text, external_id, email=f"{external_id}@example.com")
    timeline = client.get(
        f"/api/v1/tickets/{body['ticket_number']}/timeline", headers=cast.alice.headers
    ).json()["items"]
    [event] = [e for e in timeline if e["kind"] == "message.triaged"]
    data: dict[str, Any] = event["data"]
    return data


def test_the_heldout_sentences_are_not_training_sentences() -> None:
    assert all(case["text"] not in SEEDS for case in HELDOUT)


def test_the_shipped_model_is_multilingual() -> None:
    doc = json.loads((DEFAULT_MODEL_DIR / "model.json").read_text("utf-8"))
    assert doc["encoder"] == MUSE and ORDER_LATE in doc["labels"]


@pytest.mark.parametrize("case", HELDOUT, ids=[c["text"][:40] for c in HELDOUT])
def test_each_language_is_read_through_the_api(
    client: TestClient, cast: Cast, case: dict[str, Any]
) -> None:
    data = _triaged(client, cast, case["text"], f"ml-{HELDOUT.index(case)}")
    assert data["language"] == case["language"]
    assert set(case["flags"]) <= set(data["flags"])
    if not case["flags"]:
        assert data["flags"] == []
    if case["intent"] is not None:
        assert data["intent"] == case["intent"], data


def test_a_late_parcel_in_five_languages_is_order_late_with_its_date(
    client: TestClient, cast: Cast
) -> None:
    messages = {
        "en": "The board game from order 7781 was promised for Saturday the 14th, "
        "a week later still nothing",
        "es": "El juego de mesa del pedido 7781 me lo prometieron para el sábado 14 y "
        "una semana después nada",
        "de": "Das Brettspiel aus Bestellung 7781 war für Samstag, den 14. versprochen, "
        "eine Woche später immer noch nichts",
        "fr": "Le jeu de société de la commande 7781 était promis pour samedi 14, "
        "une semaine après toujours rien",
        "pt": "O jogo de tabuleiro do pedido 7781 foi prometido para sábado dia 14 e "
        "uma semana depois nada",
    }
    for lang, text in messages.items():
        data = _triaged(client, cast, text, f"late-{lang}")
        assert (data["intent"], data["language"]) == (ORDER_LATE, lang), (lang, data)
        assert data["entities"]["order_numbers"] == ["7781"], lang
        assert len(data["entities"]["dates"]) == 1 and "14" in data["entities"]["dates"][0]


@pytest.mark.parametrize(
    ("text", "flag", "word"),
    [
        ("me quemé con la tetera", "health_safety", "queme"),
        ("se quemó mi hijo", "health_safety", "quemo"),
        ("Ich habe mich am Bügeleisen verbrannt", "health_safety", "verbrannt"),
        ("Meine Tochter hat sich verbrüht", "health_safety", "verbruht"),
        ("je me suis brûlée avec la bouilloire", "health_safety", "brulee"),
        ("eu me queimei com o ferro", "health_safety", "queimei"),
        ("vou falar com o meu advogado", "legal", "advogado"),
        ("ich werde Sie verklagen", "legal", "verklagen"),
        ("quero falar com um atendente humano", "human_please", "falar com um atendente"),
    ],
)
def test_policy_words_are_found_in_their_inflections(text: str, flag: str, word: str) -> None:
    result = analyse(text)
    assert flag in result.flags
    assert result.extra["flag_words"][flag] == word


@pytest.mark.parametrize(
    "text",
    [
        "el queso estaba rico",
        "please process the payment",
        "vou processar o pagamento",
        "the quest for the perfect mug",
    ],
)
def test_near_misses_raise_no_flag(text: str) -> None:
    assert analyse(text).flags == frozenset()


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        (
            "paguei R$ 150,00 na encomenda 3321",
            "amounts",
            {"amount_minor": 15000, "currency": "BRL", "text": "R$ 150,00"},
        ),
        ("paguei R$ 150,00 na encomenda 3321", "order_numbers", "3321"),
        ("Rechnung für Auftrag 5521 bitte", "order_numbers", "5521"),
        ("escríbeme a ana@ejemplo.es o al +34 612 345 678", "phones", "+34 612 345 678"),
        ("escríbeme a ana@ejemplo.es o al +34 612 345 678", "emails", "ana@ejemplo.es"),
        ("il devait arriver le 14 mai", "dates", "14 mai"),
        ("chegaria no dia 3 de março", "dates", "3 de março"),
        ("es sollte am 14. kommen", "dates", "am 14."),
        ("llegará el viernes 9", "dates", "viernes 9"),
    ],
)
def test_entities_in_each_language(text: str, kind: str, value: object) -> None:
    assert value in analyse(text).entities[kind]
