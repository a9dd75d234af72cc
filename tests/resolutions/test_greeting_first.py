"""A chat or text that opens with nothing but a greeting ("Hallo zusammen", "hi there", "Hola a
todos") and sends the request in the next message: the greeting read as an unsupported
request handed the conversation to a person, so the bot never answered the request that
followed, and the greetings of a team ("Guten Tag zusammen", "Salut tout le monde") were
read as English or Spanish. A greeting alone asks nothing yet: the bot asks what it is about,
once, in the greeting's language, and reads the request that follows as the first message."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound
from tests.resolutions.conftest import kinds, replies, templates
from tests.resolutions.shop import ANA

from minidesk.db import Database
from minidesk.desk.models import Ticket
from minidesk.triage.courtesy import is_greeting
from minidesk.triage.language import detect_language

GREETINGS = [
    ("Hallo zusammen", "de"),
    ("Guten Tag zusammen!", "de"),
    ("Moin zusammen", "de"),
    ("Hallo ihr Lieben", "de"),
    ("hi there", "en"),
    ("Hello team!", "en"),
    ("good morning everyone", "en"),
    ("Hola a todos", "es"),
    ("Buenos días", "es"),
    ("Bonjour à tous", "fr"),
    ("Salut tout le monde", "fr"),
    ("Olá pessoal", "pt"),
    ("Bom dia a todos", "pt"),
]
# The question the bot answers a greeting with, as it reads in each language.
ASKED = {
    "de": "Was können wir für Sie tun?",
    "en": "What can we do for you?",
    "es": "¿En qué podemos ayudarte?",
    "fr": "Que pouvons-nous faire pour",
    "pt": "Em que podemos ajudar?",
}
FOLLOW_UP = {
    "de": "wo ist meine Bestellung 10239?",
    "en": "where is my order 10239?",
    "es": "¿dónde está mi pedido 10239?",
    "fr": "où est ma commande 10239 ?",
    "pt": "onde está a minha encomenda 10239?",
}


@pytest.mark.parametrize(("greeting", "language"), GREETINGS)
def test_a_greeting_is_read_in_its_language(greeting: str, language: str) -> None:
    assert is_greeting(greeting)
    assert detect_language(greeting) == language


@pytest.mark.parametrize(("greeting", "language"), GREETINGS)
def test_the_request_after_a_greeting_is_answered(
    greeting: str, language: str, client: TestClient, cast: Cast, shop: Database
) -> None:
    first = inbound(client, cast.shop, greeting, "m1", email=ANA, thread="t1")
    number = int(str(first["ticket_number"]))
    assert kinds(shop, number, "resolution.handed_off") == []
    assert templates(shop, number) == ["greeting_reply"]
    assert ASKED[language] in replies(shop, number)[0]
    with shop.sessions() as session:
        assert session.get_one(Ticket, number).status == "pending"  # the customer's turn
    inbound(client, cast.shop, FOLLOW_UP[language], "m2", email=ANA, thread="t1")
    assert templates(shop, number) == ["greeting_reply", "order_status"]
    assert kinds(shop, number, "resolution.handed_off") == []


def test_a_second_greeting_is_not_answered_again(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    first = inbound(client, cast.shop, "hi there", "m1", email=ANA, thread="t1")
    number = int(str(first["ticket_number"]))
    inbound(client, cast.shop, "hello?", "m2", email=ANA, thread="t1")
    assert templates(shop, number) == ["greeting_reply"]
    inbound(client, cast.shop, "where is my order 10239?", "m3", email=ANA, thread="t1")
    assert templates(shop, number) == ["greeting_reply", "order_status"]


@pytest.mark.parametrize(
    "text",
    [
        "Hallo zusammen, wo ist meine Bestellung 10239?",
        "hi there, I need help",
        "Hallo Anna, kurze Frage",
        "Hello, my parcel is broken",
        "hi, thanks for the refund",
    ],
)
def test_a_greeting_with_more_is_no_greeting_alone(text: str) -> None:
    assert not is_greeting(text)
