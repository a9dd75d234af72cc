"""A thank-you for the answer ("thanks for the explanation", "merci pour l'explication") is
only a thank-you, in every language the desk speaks; what it is for must be the answer itself,
and those words alone ("help", "ayuda") are no thanks at all."""

from __future__ import annotations

import pytest

from minidesk.triage.courtesy import is_acknowledgement

THANKS_FOR_THE_ANSWER = [
    "thanks for the explanation",
    "Thank you for the quick reply!",
    "ok thanks for letting me know",
    "vale, gracias por la información",
    "Danke für die Info",
    "D'accord, merci pour l'explication.",
    "merci pour votre réponse rapide",
    "obrigado pela ajuda",
    # As a text message writes it (held-out set 8).
    "ok np thx 👍",
    "ah ok vlw",
    "dale grax",
    "ok mci",
    "blz obg",
]
MORE_THAN_THANKS = [
    "help",
    "ayuda",
    "the explanation",
    "thanks for the refund",
    "thanks for nothing",
    "thanks for the explanation but I still want it",
    "gracias por la explicación, ¿y mi pedido?",
    # The words that settle it count only beside a thanks, and never beside a request.
    "oh right",
    "never mind",
    "anyway, I forgot my password",
    "oh ok thanks anyway but I still want to send it back",
    "danke trotzdem, aber ich will das Geld zurück",
    "ok np thx but where is it",
    "vlw, e o reembolso",
]


@pytest.mark.parametrize("text", THANKS_FOR_THE_ANSWER)
def test_thanks_for_the_answer_is_an_acknowledgement(text: str) -> None:
    assert is_acknowledgement(text)


@pytest.mark.parametrize("text", MORE_THAN_THANKS)
def test_more_than_thanks_for_the_answer_is_not(text: str) -> None:
    assert not is_acknowledgement(text)
