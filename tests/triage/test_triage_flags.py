from __future__ import annotations

import pytest

from minidesk.triage.flags import HEALTH_SAFETY, HUMAN_PLEASE, LEGAL, find_flags


def _flags(text: str) -> set[str]:
    return {h.flag for h in find_flags(text)}


@pytest.mark.parametrize(
    "text",
    [
        "I will sue you",
        "my lawyer will call",
        "Talk to my attorney",
        "see you in court",
        "I'll take this to small claims",
        "I don't want to do a chargeback",  # negated: counts
        "filing a BBB complaint",
        "Voy a hablar con mi abogado",
        "Ich gehe zum Anwalt",
        "je vais contacter mon avocat",
        "SUED them before",
        # Inflected, and a chargeback by its other name.
        "Commande toujours pas reçue. Sinon je porte plainte.",
        "nous allons déposer une plainte",
        "I'm disputing this with my credit card company",
        "I will dispute the charge",
        "Ich werde Anzeige erstatten",
        "tomaré acciones legales",
        "I'll be calling my bank to reverse the charge",
    ],
)
def test_legal_words_flag(text: str) -> None:
    assert LEGAL in _flags(text)


@pytest.mark.parametrize(
    "text",
    [
        "there is an issue with my order",
        "pursue the delivery",
        "the suede jacket",
        "of course",
        "courtesy call",
        "my favourite brand",
        "sugar",
        "je fais une plainte au service client",  # a complaint to the shop, not the law
        "I disputed nothing, I just want it delivered",
    ],
)
def test_legal_matches_words_not_substrings(text: str) -> None:
    assert LEGAL not in _flags(text)


@pytest.mark.parametrize(
    "text",
    [
        "the charger caught fire",
        "my son got a burn",
        "allergic reaction to the cream",
        "my child was choking on a part",
        "we went to the hospital",
        "smoke came out of it",
        "tuve una quemadura",
        "Verbrennung an der Hand",
        "une réaction allergique",
        "Me salió un sarpullido con la manta",
        "Ich habe einen Ausschlag bekommen",
        "mon fils a de l'urticaire",
        "fiquei com brotoeja",
        "Die Kerze hat angefangen zu brennen",
    ],
)
def test_health_and_safety_words_flag(text: str) -> None:
    assert HEALTH_SAFETY in _flags(text)


@pytest.mark.parametrize(
    "text",
    [
        "can I talk to a human",
        "I want to speak to a real person",
        "connect me to an agent",
        "quiero hablar con una persona",
        "ich möchte mit einem Mitarbeiter sprechen",
        "je veux parler à un conseiller",
        "GET ME A HUMAN NOW",
        # "Someone" as English has it ("talk to someone"), in the other four languages.
        "je voudrais parler à quelqu'un de vrai au sujet du sac",
        "je veux parler \u00e0 quelqu\u2019un",  # a typographic apostrophe
        "necesito hablar con alguien del pedido",
        "kann ich mit jemandem sprechen?",
        "ich will mit jemand echtem reden",
        "quero falar com alguém sobre a encomenda",
        # As a text message writes it: spoken articles, "2" for "to", "c" for "com".
        "will mit nem menschen reden",
        "talk 2 a human pls",
        "can i speak w/ someone",
        "quero falar c um atendente",
        # A person of the shop's by their place in it (held-out set 9).
        "serait-il possible d'échanger avec l'un de vos collègues ?",
        "can I talk to one of your colleagues",
        "I want to speak with a supervisor",
        "quisiera hablar con uno de sus compañeros",
        "kann ich mit einem Kollegen sprechen",
        "posso falar com um supervisor",
    ],
)
def test_human_please(text: str) -> None:
    assert HUMAN_PLEASE in _flags(text)


def test_delivery_agent_is_not_a_human_request() -> None:
    assert HUMAN_PLEASE not in _flags("the delivery agent left it at the door")
    assert HUMAN_PLEASE not in _flags("mit nem Paket reden hilft nicht")
    assert HUMAN_PLEASE not in _flags("my colleague ordered this for me")
    assert HUMAN_PLEASE not in _flags("I need the team to know")
