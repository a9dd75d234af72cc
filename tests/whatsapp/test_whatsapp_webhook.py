"""The Cloud API webhook: Meta's handshake with the verify token, X-Hub-Signature-256 over
the raw body (forgeries refused and recorded), messages taken once by wamid, media as
attachment metadata, statuses updating our messages."""

from __future__ import annotations

from sqlalchemy import select
from tests.conftest import Cast
from tests.whatsapp.conftest import EMMA_WA, VERIFY_TOKEN, WhatsApp

from minidesk import db, outbox
from minidesk.channels import deliveries
from minidesk.channels.models import ChannelDelivery
from minidesk.db import utcnow
from minidesk.desk.models import Attachment, Customer, Message
from minidesk.event_kinds import EventKind
from minidesk.events import Event


def _inbound() -> list[Message]:
    with db.get_db().sessions() as session:
        return list(session.scalars(select(Message).where(Message.direction == "inbound")))


def test_the_handshake_echoes_the_challenge_only_for_the_verify_token(wa: WhatsApp) -> None:
    query = {
        "hub.mode": "subscribe",
        "hub.verify_token": VERIFY_TOKEN,
        "hub.challenge": "1158201444",
    }
    answer = wa.client.get(wa.hook, params=query)
    assert (answer.status_code, answer.text) == (200, "1158201444")
    wrong = wa.client.get(wa.hook, params={**query, "hub.verify_token": "guess"})
    assert wrong.status_code == 403
    assert wrong.json()["type"].endswith("/invalid-verify-token")


def test_a_forged_signature_is_refused_and_recorded(wa: WhatsApp) -> None:
    forged = wa.notify(
        {
            "messages": [
                {"from": EMMA_WA, "id": "wamid.F", "type": "text", "text": {"body": "YES REFUND"}}
            ]
        },
        secret="guessed",
    )
    assert forged.status_code == 403
    assert forged.json()["type"].endswith("/invalid-signature")
    unsigned = wa.client.post(wa.hook, json={"object": "whatsapp_business_account"})
    assert unsigned.status_code == 403
    assert _inbound() == []
    with db.get_db().sessions() as session:
        kinds = list(session.scalars(select(Event.kind)))
    assert kinds.count(EventKind.CHANNEL_WEBHOOK_REFUSED) == 1


def test_a_replayed_message_lands_once_on_a_verified_customer(wa: WhatsApp) -> None:
    assert wa.text("Does it come in blue?", "wamid.A1").status_code == 200
    assert wa.text("Does it come in blue?", "wamid.A1").status_code == 200
    [message] = _inbound()
    assert (message.channel, message.external_id, message.text) == (
        "whatsapp",
        "wamid.A1",
        "Does it come in blue?",
    )
    with db.get_db().sessions() as session:
        customer = session.get_one(Customer, message.customer_id)
    assert (customer.phone, customer.name) == ("+15550000000", "Emma Garcia")


def test_media_is_recorded_as_attachment_metadata(wa: WhatsApp) -> None:
    image = {
        "caption": "the lid is cracked",
        "mime_type": "image/jpeg",
        "sha256": "a" * 64,
        "id": "1003383421387256",
    }
    assert wa.message("wamid.M1", "image", image=image).status_code == 200
    [message] = _inbound()
    assert message.text == "the lid is cracked"
    assert message.meta["whatsapp"]["media_id"] == "1003383421387256"
    with db.get_db().sessions() as session:
        [attachment] = session.scalars(select(Attachment)).all()
    assert (attachment.content_type, attachment.sha256) == ("image/jpeg", "a" * 64)


def test_statuses_update_our_message_and_never_go_back(wa: WhatsApp, cast: Cast) -> None:
    wa.text("Does it come in blue?", "wamid.A1")
    number = wa.client.get("/api/v1/tickets", headers=cast.olivia.headers).json()["items"][0][
        "number"
    ]
    reply = wa.client.post(
        f"/api/v1/tickets/{number}/messages", headers=cast.alice.headers, json={"text": "It does!"}
    )
    assert reply.status_code == 201, reply.text
    assert wa.graph.sent[-1]["text"]["body"] == "It does!"
    with db.get_db().sessions() as session:
        wamid = session.scalars(
            select(ChannelDelivery.provider_id).where(
                ChannelDelivery.message_id == reply.json()["id"]
            )
        ).one()
    wa.status(str(wamid), "delivered")
    wa.status(str(wamid), "read")
    wa.status(str(wamid), "sent")  # late: ignored
    with db.get_db().sessions() as session:
        assert session.get_one(Message, reply.json()["id"]).delivery_status == "read"
    wa.status(str(wamid), "failed", errors=[{"code": 131026, "title": "Message undeliverable"}])
    with db.get_db().sessions() as session:
        assert session.get_one(Message, reply.json()["id"]).delivery_status == "read"


def test_a_graph_outage_is_retried_later_without_a_duplicate(wa: WhatsApp, cast: Cast) -> None:
    wa.text("Does it come in blue?", "wamid.A1")
    number = wa.client.get("/api/v1/tickets", headers=cast.olivia.headers).json()["items"][0][
        "number"
    ]
    wa.fake.outage = [500]
    reply = wa.client.post(
        f"/api/v1/tickets/{number}/messages",
        headers=cast.alice.headers,
        json={"text": "Checking the warehouse."},
    )
    assert reply.status_code == 201
    database = db.get_db()
    with database.transaction() as session:
        item = session.scalars(
            select(outbox.OutboxItem).where(outbox.OutboxItem.message_id == reply.json()["id"])
        ).one()
        assert item.status == outbox.OutboxStatus.PENDING and "500" in str(item.last_error)
        item.next_attempt_at = utcnow()  # the back-off has passed
        item_id = item.id
    assert outbox.deliver(database, item_id, max_attempts=8) == outbox.OutboxStatus.SENT
    bodies = [p.get("text", {}).get("body") for p in wa.graph.sent]
    assert bodies.count("Checking the warehouse.") == 1
    with database.sessions() as session:
        sent = session.get_one(Message, reply.json()["id"])
    assert sent.delivery_status == "sent" and str(sent.external_id).startswith("wamid.OUT")


def test_an_unknown_outcome_waits_for_an_admin_instead_of_risking_a_duplicate(
    wa: WhatsApp, cast: Cast
) -> None:
    wa.text("Does it come in blue?", "wamid.A1")
    number = wa.client.get("/api/v1/tickets", headers=cast.olivia.headers).json()["items"][0][
        "number"
    ]
    wa.fake.outage = [503]
    reply = wa.client.post(
        f"/api/v1/tickets/{number}/messages",
        headers=cast.alice.headers,
        json={"text": "Checking the warehouse."},
    )
    database = db.get_db()
    with database.transaction() as session:
        item = session.scalars(
            select(outbox.OutboxItem).where(outbox.OutboxItem.message_id == reply.json()["id"])
        ).one()
        item.next_attempt_at = utcnow()
        item_id = item.id
    # A try began and its worker died before WhatsApp's answer was recorded.
    deliveries.do_restart(database, item_id, utcnow())
    assert outbox.deliver(database, item_id, max_attempts=8) == outbox.OutboxStatus.DEAD
    assert not any(
        p.get("text", {}).get("body") == "Checking the warehouse." for p in wa.graph.sent
    )
    with database.transaction() as session:  # an admin checked WhatsApp Manager: replay it
        assert outbox.replay(session, item_id)
    outbox.deliver(database, item_id, max_attempts=8)  # (the replay's own job may have run)
    with database.sessions() as session:
        assert session.get_one(outbox.OutboxItem, item_id).status == outbox.OutboxStatus.SENT
    bodies = [p.get("text", {}).get("body") for p in wa.graph.sent]
    assert bodies.count("Checking the warehouse.") == 1
