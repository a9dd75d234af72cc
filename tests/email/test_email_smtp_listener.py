"""Mail sent with smtplib to the built-in listener becomes a ticket; other recipients get a
550, oversize mail a 552, and re-sent mail is recognised."""

from __future__ import annotations

import re
import smtplib

import pytest
from sqlalchemy import select
from tests.email.conftest import SUPPORT, fixture

from minidesk.db import Database
from minidesk.desk.models import Attachment, Message, Ticket


def _send(port: int, raw: bytes, to: str = SUPPORT) -> None:
    # smtplib sends bytes as they are; on the wire SMTP lines end in CRLF.
    wire = re.sub(rb"\r?\n", b"\r\n", raw)
    with smtplib.SMTP("127.0.0.1", port) as client:
        client.sendmail("emma.larsen@example.com", [to], wire)


def test_a_mail_to_the_support_address_opens_a_ticket(listener: int, database: Database) -> None:
    _send(listener, fixture("new_request.eml"))
    with database.sessions() as session:
        [ticket] = session.scalars(select(Ticket)).all()
        [message] = session.scalars(select(Message).where(Message.direction == "inbound")).all()
        assert ticket.channel == "email"
        assert ticket.subject == "Where is my order #1001? \u2013 still waiting"
        assert ticket.customer.name == "Emma Lærsen"
        assert ticket.customer.email == "emma.larsen@example.com"
        assert message.text.startswith("Hello,\n\nI ordered a blå jacket (order #1001)")
        assert message.external_id == "CAH7x0Qm1-new-request@mail.example.com"
        # Sanitised by the allow-list: no script, no event handler; the inline image stays.
        assert message.html is not None
        assert "<script" not in message.html and "onerror" not in message.html
        assert 'src="cid:label@example.com"' in message.html
        attachments = session.scalars(select(Attachment).order_by(Attachment.id)).all()
        assert [(a.filename, a.content_type, a.size, a.inline) for a in attachments] == [
            ("label.png", "image/png", 70, True),
            ("Bestellbestätigung.pdf", "application/pdf", 82, False),
        ]
        assert message.meta["email"]["channel_id"] is not None


def test_the_same_mail_sent_twice_is_one_message(listener: int, database: Database) -> None:
    _send(listener, fixture("new_request.eml"))
    _send(listener, fixture("new_request.eml"))
    with database.sessions() as session:
        inbound = select(Message).where(Message.direction == "inbound")
        assert len(session.scalars(inbound).all()) == 1


def test_a_mail_for_another_address_is_refused_with_550(listener: int) -> None:
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        _send(listener, fixture("new_request.eml"), to="ceo@shop.example")
    code, reason = refused.value.recipients["ceo@shop.example"]
    assert code == 550
    assert b"not a support address" in reason


def test_plus_addresses_of_a_support_address_are_accepted(
    listener: int, database: Database
) -> None:
    _send(listener, fixture("new_request.eml"), to="support+anything@shop.example")
    with database.sessions() as session:
        assert len(session.scalars(select(Ticket)).all()) == 1


def test_an_oversize_mail_is_refused_with_552(listener: int, database: Database) -> None:
    raw = fixture("new_request.eml") + (b"x" * 70 + b"\n") * 4000
    with pytest.raises(smtplib.SMTPException) as refused:
        _send(listener, raw)
    assert "552" in str(refused.value)
    with database.sessions() as session:
        assert session.scalars(select(Ticket)).all() == []
