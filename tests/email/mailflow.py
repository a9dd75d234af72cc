"""Story helpers for email tests: a customer writes, an agent answers, the customer replies."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import make_msgid

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Person
from tests.email.conftest import SUPPORT, Sink

from minidesk.channels.email.receive import Received, receive_raw
from minidesk.db import get_db
from minidesk.desk.models import Direction, Message


def customer_mail(sender: str, subject: str, text: str, **headers: str) -> bytes:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = headers.pop("to", SUPPORT)
    mail["Subject"] = subject
    mail["Message-ID"] = headers.pop("message_id", make_msgid(domain="example.com"))
    for name, value in headers.items():
        mail[name.replace("_", "-")] = value
    mail.set_content(text)
    return mail.as_bytes()


def ticket_of(received: Received) -> int:
    with get_db().sessions() as session:
        message = session.scalars(select(Message).where(Message.inbox_id == received.inbox_id))
        found = message.one()
        return found.ticket_id


def agent_reply(
    client: TestClient, agent: Person, ticket: int, sink: Sink, text: str
) -> EmailMessage:
    """Post a reply through the API; returns the mail the desk sent (captured by the sink)."""
    before = len(sink.messages)
    response = client.post(
        f"/api/v1/tickets/{ticket}/messages", json={"text": text}, headers=agent.headers
    )
    assert response.status_code in (200, 201), response.text
    assert len(sink.messages) == before + 1, "the reply was not sent"
    return sink.messages[-1]


def inbound_texts(ticket: int) -> list[str]:
    with get_db().sessions() as session:
        rows = session.scalars(
            select(Message.text)
            .where(Message.ticket_id == ticket, Message.direction == Direction.INBOUND)
            .order_by(Message.id)
        )
        return list(rows)


def receive(raw: bytes) -> Received:
    return receive_raw(raw, source="test")
