"""Messages that are not requests (thanks, survey answers, greetings, auto-replies) are
``unknown`` to the shipped model in every language, and the rows that teach it so
(``triage.negatives``) are generated the same way every time.

The messages below are our own and none is a generated row: the model must refuse the kind
of message, not a copy of its training sentence.
"""

from __future__ import annotations

import pytest

from minidesk.triage.data import OOS_LABEL
from minidesk.triage.model import IntentModel
from minidesk.triage.negatives import PER_LANGUAGE, negative_examples
from minidesk.triage.registry import DEFAULT_MODEL_DIR
from minidesk.triage.result import UNKNOWN_INTENT

NOT_REQUESTS = [
    "5. Thanks, quick and kind",
    "great service, thanks",
    "4 - sorted it in no time",
    "5 lovely lady on the phone, very patient",
    "Thanks so much, that was all I needed",
    "ok 👍",
    "Good morning everyone",
    "I'm out of the office this week and will reply on my return.",
    "5 - gracias, me atendieron genial",
    "Buenas tardes, gracias por la ayuda",
    "Danke, hat super geklappt!",
    "5 Sterne, sehr kompetent",
    "Merci pour votre réponse rapide",
    "Bonjour ! Bonne fin de journée",
    "Valeu, atendimento excelente!",
    "Obrigada pela ajuda, tudo resolvido",
]
# Thanks and greetings around a request do not hide it.
REQUESTS = [
    ("3 - and where is my refund?", "refund_status"),
    ("Hi, I want to cancel my order", "cancel_order"),
    ("thanks! can you change my delivery address?", "address_change"),
    ("Hallo, wo ist meine Bestellung?", "order_status"),
    ("Oi, preciso trocar minha senha, obrigado", "password_reset"),
]


@pytest.fixture(scope="module")
def shipped() -> IntentModel:
    return IntentModel.load(DEFAULT_MODEL_DIR)


def test_the_negatives_are_oos_rows_in_five_languages_the_same_every_call() -> None:
    rows = negative_examples()
    assert rows == negative_examples()
    assert {r.label for r in rows} == {OOS_LABEL}
    assert len(rows) == 5 * PER_LANGUAGE
    # Distinct within a language ("ok" is a row of several).
    for start in range(0, len(rows), PER_LANGUAGE):
        assert len({r.text.lower() for r in rows[start : start + PER_LANGUAGE]}) == PER_LANGUAGE


def test_the_messages_here_are_not_generated_rows() -> None:
    generated = {r.text.lower() for r in negative_examples()}
    assert not generated & {t.lower() for t in NOT_REQUESTS}


def test_messages_that_are_not_requests_are_unknown(shipped: IntentModel) -> None:
    predictions = shipped.predict_many(NOT_REQUESTS)
    answers = {t: p.intent for t, p in zip(NOT_REQUESTS, predictions, strict=True)}
    assert answers == dict.fromkeys(NOT_REQUESTS, UNKNOWN_INTENT)


def test_requests_wrapped_in_thanks_or_greetings_keep_their_intent(shipped: IntentModel) -> None:
    texts = [t for t, _ in REQUESTS]
    assert [p.intent for p in shipped.predict_many(texts)] == [i for _, i in REQUESTS]
