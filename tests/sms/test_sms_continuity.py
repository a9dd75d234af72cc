"""One customer across channels: Emma, known to the desk by her email and her phone, writes
by email and then texts; the text lands on her open ticket, and the reply goes out by SMS,
the channel she last wrote on. The provider hooks are listed in /openapi.json."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Cast, ingest
from tests.sms.conftest import EMMA, Sms

from minidesk import db
from minidesk.channels.base import InboundMessage, Sender
from minidesk.desk.customers import identify
from minidesk.desk.models import Message
from minidesk.outbox import OutboxItem

EMMA_EMAIL = "emma@example.com"


def test_a_text_from_a_known_phone_continues_the_email_ticket_and_is_answered_by_sms(
    sms: Sms, cast: Cast
) -> None:
    with db.get_db().transaction() as session:  # imported from the shop with both
        customer, _ = identify(session, Sender(email=EMMA_EMAIL, phone="(415) 555-0123"))
        customer_id = customer.id
    ticket_id, _ = ingest(
        InboundMessage(
            channel="email",
            external_id="<m1@example.com>",
            sender=Sender(email=EMMA_EMAIL),
            subject="Parcel",
            text="My parcel has not arrived, can you check?",
        )
    )
    assert sms.text("Any news on my parcel?", "SM1").status_code == 200
    with db.get_db().sessions() as session:
        texts = session.execute(
            select(Message.ticket_id, Message.customer_id, Message.channel)
            .where(Message.direction == "inbound")
            .order_by(Message.id)
        ).all()
    assert [tuple(row) for row in texts] == [
        (ticket_id, customer_id, "email"),
        (ticket_id, customer_id, "sms"),
    ]
    reply = sms.client.post(
        f"/api/v1/tickets/{ticket_id}/messages",
        headers=cast.alice.headers,
        json={"text": "It is out for delivery today."},
    )
    assert reply.status_code == 201, reply.text
    assert (reply.json()["channel"], reply.json()["channel_id"]) == ("sms", sms.channel_id)
    assert "It is out for delivery today." in sms.sent()
    with db.get_db().sessions() as session:
        item = session.scalars(
            select(OutboxItem).where(OutboxItem.message_id == reply.json()["id"])
        ).one()
    assert item.channel == "sms" and item.status == "sent"
    timeline = sms.client.get(f"/api/v1/customers/{customer_id}", headers=cast.alice.headers)
    assert timeline.status_code == 200
    assert EMMA in timeline.text and EMMA_EMAIL in timeline.text


def test_the_provider_hooks_are_in_the_openapi_document(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {
        "/hooks/sms/{channel_id}/twilio",
        "/hooks/sms/{channel_id}/twilio/status",
        "/hooks/whatsapp/{channel_id}",
    } <= set(paths)
    assert set(paths["/hooks/whatsapp/{channel_id}"]) == {"get", "post"}
    form = paths["/hooks/sms/{channel_id}/twilio"]["post"]["requestBody"]["content"]
    assert "MessageSid" in form["application/x-www-form-urlencoded"]["schema"]["properties"]
