"""A customer nobody knows the name of is greeted "Hi there," and thanked "Thanks.": one
filler word for every template and language wrote "Thanks, there." and "Hallo zusammen,"
(hello, everyone)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound

from minidesk.db import Database
from minidesk.desk.models import Ticket
from minidesk.replies import render_for_ticket
from minidesk.replies.defaults import DEFAULTS
from minidesk.replies.nameless import UNKNOWN, mend
from minidesk.replies.render import render_spec
from minidesk.replies.spec import Body, TemplateSpec
from minidesk.replies.tokens import TOKENS

SAMPLES = {name: token.sample for name, token in TOKENS.items()}
NAMELESS = {**SAMPLES, "customer_name": UNKNOWN, "customer_full_name": UNKNOWN}


@pytest.mark.parametrize(
    ("rendered", "mended"),
    [
        (f"Hi {UNKNOWN},\n\nYour order", "Hi there,\n\nYour order"),
        (f"Thanks, {UNKNOWN}. A person", "Thanks. A person"),
        (f"Hallo {UNKNOWN},\n\nIhre", "Hallo,\n\nIhre"),
        (f"Hola {UNKNOWN}:\n\nTu pedido", "Hola:\n\nTu pedido"),
        (f"Olá {UNKNOWN},", "Olá,"),
        (f"Dear {UNKNOWN},", "Dear customer,"),
        (f"{UNKNOWN}, your order shipped", "your order shipped"),
        (f"<p>Hello {UNKNOWN},</p><p>Thanks, {UNKNOWN}.</p>", "<p>Hello there,</p><p>Thanks.</p>"),
        ("Hi Emma, thanks", "Hi Emma, thanks"),
    ],
)
def test_the_unknown_name_is_mended_out_of_the_text(rendered: str, mended: str) -> None:
    assert mend(rendered) == mended


@pytest.mark.parametrize("channel", ["email", "chat", "sms"])
def test_the_hand_off_thanks_a_nameless_customer_without_a_name(channel: str) -> None:
    rendered = render_spec(DEFAULTS["handoff"], channel=channel, context=NAMELESS)
    assert rendered.text.startswith("Thanks. A person from our team will follow up")
    for part in (rendered.text, rendered.html or "", rendered.subject or ""):
        assert UNKNOWN not in part and "there" not in part


def test_a_shops_own_template_is_mended_too() -> None:
    body = Body(body="Dear {{ customer_full_name }},\n\nNoted, {{ customer_name }}!", cta="")
    spec = TemplateSpec(
        key="noted",
        name="Noted",
        tokens=("customer_name", "customer_full_name"),
        variants={"A": {"default": body}},
    )
    rendered = render_spec(spec, channel="chat", context=NAMELESS)
    assert rendered.text == "Dear customer,\n\nNoted!"


@pytest.mark.parametrize(
    ("language", "greeting"),
    [("en", "Hi there,"), ("de", "Hallo,"), ("es", "Hola:"), ("fr", "Bonjour,"), ("pt", "Olá,")],
)
def test_a_nameless_customer_is_greeted_in_their_language(
    client: TestClient, cast: Cast, database: Database, language: str, greeting: str
) -> None:
    answer = inbound(client, cast.alice, "Where is my parcel?", f"n-{language}")
    number = int(str(answer["ticket_number"]))
    with database.transaction() as session:
        ticket = session.get_one(Ticket, number)
        ticket.customer.name = ""
        rendered = render_for_ticket(
            session,
            ticket,
            "order_status",
            variables={
                "order_number": "1001",
                "carrier": "DHL",
                "tracking_number": "JD1",
                "tracking_url": "https://track.example/JD1",
                "eta": "Friday",
            },
            language=language,
        )
    assert rendered.language == language
    assert rendered.text.startswith(f"{greeting}\n\n")
    assert "zusammen" not in rendered.text and "cliente" not in rendered.text
