"""Line breaks smuggled into a display name or a subject (RFC 2047 encoded-words decode to
anything) neither inject headers into the desk's replies nor make every reply fail: names and
subjects are one line when stored, and replies are written safely whatever is stored."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Cast, ingest
from tests.email.conftest import Sink
from tests.email.mailflow import customer_mail, receive, ticket_of

from minidesk.channels.base import InboundMessage, Sender
from minidesk.db import Database
from minidesk.desk.models import Customer, Ticket

INJECTED = "=?utf-8?q?Emma=0D=0ABcc=3A_spy=40evil=2Eexample?="


def _reply(client: TestClient, cast: Cast, sink: Sink, ticket: int) -> None:
    response = client.post(f"/api/v1/tickets/{ticket}/messages", json={"text": "On its way."},
                           headers=cast.alice.headers)  # fmt: skip
    assert response.status_code == 201, response.text


def _sent(sink: Sink) -> tuple[list[str], str, str]:
    for mail, (_, recipients) in zip(sink.messages, sink.envelopes, strict=True):
        if "On its way." in mail.get_body(("plain",)).get_content():
            return recipients, str(mail["To"]), str(mail["Subject"])
    raise AssertionError("the reply was not sent")


def test_line_breaks_in_a_name_or_subject_cannot_add_recipients_to_replies(
    client: TestClient, cast: Cast, sink: Sink, support: int, database: Database
) -> None:
    raw = customer_mail("Emma <emma@example.com>", "x", "Where is my order #1001?")
    raw = raw.replace(b"From: Emma", f"From: {INJECTED}".encode())
    raw = raw.replace(b"Subject: x", f"Subject: {INJECTED}".encode())
    ticket = ticket_of(receive(raw))
    with database.sessions() as session:
        [customer] = session.scalars(select(Customer)).all()
        assert customer.name == "Emma Bcc: spy@evil.example"
        assert session.scalars(select(Ticket.subject)).one() == "Emma Bcc: spy@evil.example"

    _reply(client, cast, sink, ticket)
    recipients, to, subject = _sent(sink)
    assert recipients == ["emma@example.com"]
    assert "\n" not in to and "\n" not in subject


def test_a_reply_goes_out_even_when_stored_names_hold_control_characters(
    client: TestClient, cast: Cast, sink: Sink, support: int, database: Database
) -> None:
    ticket = ticket_of(receive(customer_mail("Emma <emma@example.com>", "Hi", "Order #1001?")))
    with database.transaction() as session:
        session.scalars(select(Customer)).one().name = "Emma\r\nBcc: spy@evil.example\x07"
        session.scalars(select(Ticket)).one().subject = "Where\nis\x1b[31m it"
    client.patch(f"/api/v1/email-channels/{support}", headers=cast.olivia.headers,
                 json={"from_name": "Shop\r\nBcc: spy@evil.example"})  # fmt: skip

    _reply(client, cast, sink, ticket)
    recipients, to, subject = _sent(sink)
    assert recipients == ["emma@example.com"]
    assert to == '"Emma Bcc: spy@evil.example" <emma@example.com>'
    assert subject == f"Re: Where is [31m it [#{ticket}]"


def test_names_and_subjects_from_any_channel_are_stored_on_one_line(database: Database) -> None:
    sender = Sender(chat_id="visitor-1", name="Eve\r\nBcc: x@evil.example")
    ingest(InboundMessage(channel="chat", external_id="c1", text="Hello\x1b[2J there\nmore",
                          sender=sender))  # fmt: skip
    with database.sessions() as session:
        assert session.scalars(select(Customer.name)).one() == "Eve Bcc: x@evil.example"
        assert session.scalars(select(Ticket.subject)).one() == "Hello [2J there"
