"""A refund offer or an address question continues only with the verified customer it was
put to, and only a confirmation in the new text of their next message moves money."""

from __future__ import annotations

import re
import smtplib

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Cast, inbound, ingest, money_moved
from tests.email.conftest import SUPPORT, email_settings, listener, sink, support
from tests.email.mailflow import customer_mail
from tests.resolutions.conftest import EMMA, LIAM, kinds, ticket

from minidesk.channels.base import InboundMessage, Sender
from minidesk.commerce.models import StoreOrder
from minidesk.db import Database

# The email fixtures, used here to send mail to the built-in SMTP listener.
__all__ = ["email_settings", "listener", "sink", "support"]

OFFER = "Reply YES REFUND to confirm $25.00 to your Visa ending 4242."


def address_of(database: Database, number: str) -> dict[str, object]:
    with database.sessions() as session:
        order = session.scalars(select(StoreOrder).where(StoreOrder.number == number)).one()
        return dict(order.shipping_address)


def offer_to_emma(client: TestClient, cast: Cast) -> int:
    body = inbound(
        client, cast.shop, "I want a refund of $25 for order 1003", "o1", email=EMMA, thread="t"
    )
    return int(body["ticket_number"])  # type: ignore[arg-type]


def emma_says(client: TestClient, cast: Cast, text: str, key: str) -> None:
    inbound(client, cast.shop, text, key, email=EMMA, thread="t")


def smtp_send(port: int, raw: bytes) -> None:
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        smtp.sendmail(EMMA, [SUPPORT], re.sub(rb"\r?\n", b"\r\n", raw))


def rules(database: Database, number: int) -> list[str]:
    return [e["rule"] for e in kinds(database, number, "policy.decided")]


def test_a_forged_mail_cannot_confirm_a_refund(
    client: TestClient, cast: Cast, store: Database, listener: int
) -> None:
    number = offer_to_emma(client, cast)
    # Anyone can put Emma's address in From: and the ticket number in the subject.
    smtp_send(listener, customer_mail(EMMA, f"Re: [#{number}] YES REFUND", "YES REFUND"))
    assert money_moved(store) == 0
    assert "continuation.sender_mismatch" in rules(store, number)
    assert "handoff" in ticket(store, number).tags
    # A person follows up now: Emma's own token afterwards moves nothing either.
    emma_says(client, cast, "YES REFUND", "o2")
    assert money_moved(store) == 0


def test_a_forged_mail_cannot_change_the_shipping_address(
    client: TestClient, cast: Cast, store: Database, listener: int
) -> None:
    before = address_of(store, "1002")
    asked = inbound(
        client, cast.shop, "I need to change the shipping address for order 1002", "a1",
        email=EMMA, thread="t",
    )  # fmt: skip
    number = int(asked["ticket_number"])  # type: ignore[arg-type]
    mail = customer_mail(EMMA, f"Re: [#{number}]", "1 Fraud Lane, Elsewhere, EV1 1AA, UK")
    smtp_send(listener, mail)
    assert address_of(store, "1002") == before
    assert "continuation.sender_mismatch" in rules(store, number)
    assert "handoff" in ticket(store, number).tags


def test_another_customer_cannot_confirm_emmas_offer(
    client: TestClient, cast: Cast, store: Database
) -> None:
    number = offer_to_emma(client, cast)
    # Liam, verified as himself, answers on Emma's conversation.
    inbound(client, cast.shop, "YES REFUND", "l1", email=LIAM, thread="t")
    assert money_moved(store) == 0
    assert kinds(store, number, "commerce.") == []


@pytest.mark.parametrize(
    "answer",
    [
        f"no thanks, I don't want a refund\n\n> {OFFER}",
        f"No thanks.\n\nOn Mon, 1 Dec 2026 at 10:00, Shop <support@shop.example> wrote:\n> {OFFER}",
        "I do not want YES REFUND, thanks",
        "Don't YES REFUND anything please",
        "no YES REFUND",
        "never YES REFUND",
        "cancel: yes refund",
        OFFER,  # the bot's own offer pasted back
        "Thanks, I'll think about it.\n" + OFFER,
    ],
)
def test_a_quoted_echoed_or_negated_token_does_not_confirm(
    client: TestClient, cast: Cast, store: Database, answer: str
) -> None:
    number = offer_to_emma(client, cast)
    emma_says(client, cast, answer, "o2")
    assert money_moved(store) == 0
    assert "handoff" in ticket(store, number).tags


@pytest.mark.parametrize(
    "answer",
    [
        "YES REFUND",
        "Yes refund please. Thank you!",
        f"yes refund\n\nOn Mon, 1 Dec 2026 at 10:00, Shop <support@shop.example> wrote:\n> {OFFER}",
        "No problem at all.\nYES REFUND",
    ],
)
def test_the_token_in_the_new_text_confirms(
    client: TestClient, cast: Cast, store: Database, answer: str
) -> None:
    offer_to_emma(client, cast)
    emma_says(client, cast, answer, "o2")
    assert money_moved(store) == 2500


def verified_mail(text: str, key: str, subject: str = "", hint: int | None = None) -> int:
    """A mail whose sender the channel verified (as SPF/DKIM-passing mail will be)."""
    ticket_id, _ = ingest(
        InboundMessage(
            channel="email",
            external_id=key,
            text=text,
            subject=subject,
            sender=Sender(email=EMMA, verified=True),
            ticket_hint=hint,
        )
    )
    return ticket_id


def test_a_token_in_the_subject_does_not_confirm(store: Database) -> None:
    number = verified_mail("I want a refund of $25 for order 1003", "m1", "Refund")
    verified_mail("Thanks for getting back to me.", "m2", "Re: YES REFUND", hint=number)
    assert money_moved(store) == 0
    assert "handoff" in ticket(store, number).tags


def test_emma_confirms_by_verified_mail_what_she_was_offered_by_mail(store: Database) -> None:
    number = verified_mail("I want a refund of $25 for order 1003", "m1", "Refund")
    verified_mail("YES REFUND", "m2", "Re: Refund", hint=number)
    assert money_moved(store) == 2500


def test_a_rule_running_the_refund_flow_does_not_let_a_forged_mail_through(
    client: TestClient, cast: Cast, store: Database, listener: int
) -> None:
    rule = {
        "name": "Refund words run the refund flow",
        "event": "message.received",
        "conditions": [{"type": "text", "words": ["refund"]}],
        "actions": [{"type": "run_resolution", "resolution": "refund"}],
    }
    assert client.post("/api/v1/rules", json=rule, headers=cast.maya.headers).status_code == 201
    number = offer_to_emma(client, cast)
    mail = customer_mail(EMMA, f"Re: [#{number}]", "YES REFUND, refund order 1003 $25")
    smtp_send(listener, mail)
    assert money_moved(store) == 0
    assert "handoff" in ticket(store, number).tags
