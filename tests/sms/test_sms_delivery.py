"""Replies leave through Twilio's REST API from the outbox: once each, whatever fails (a
provider outage is retried later; a worker that died after Twilio took the message does not
send it again), and Twilio's status callbacks update the message."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs

from sqlalchemy import select, update
from tests.conftest import Cast
from tests.sms.conftest import EMMA, Sms
from tests.sms.twilio_fake import NUMBER

from minidesk import db, outbox
from minidesk.channels import deliveries
from minidesk.channels.models import ChannelDelivery
from minidesk.db import utcnow
from minidesk.desk.models import Message
from minidesk.event_kinds import EventKind
from minidesk.events import Event


def _ticket(sms: Sms, cast: Cast) -> int:
    items = sms.client.get("/api/v1/tickets", headers=cast.olivia.headers).json()["items"]
    return int(items[0]["number"])


def _reply(sms: Sms, cast: Cast, number: int, text: str) -> dict[str, object]:
    answer = sms.client.post(
        f"/api/v1/tickets/{number}/messages",
        headers=cast.alice.headers,
        json={"text": text, "type": "reply"},
    )
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def _delivery(message_id: object) -> ChannelDelivery:
    with db.get_db().sessions() as session:
        return session.scalars(
            select(ChannelDelivery).where(ChannelDelivery.message_id == message_id)
        ).one()


def _message(message_id: object) -> Message:
    with db.get_db().sessions() as session:
        return session.get_one(Message, message_id)


def test_an_agent_reply_goes_out_through_twilio_with_its_sid_and_segments(
    sms: Sms, cast: Cast
) -> None:
    assert sms.text("Do you ship to Canada?", "SM1").status_code == 200
    number = _ticket(sms, cast)
    reply = _reply(sms, cast, number, "Yes — we ship to Canada in 5 days 🚚")
    [post] = [p for p in sms.fake.posts() if "Canada in" in parse_qs(p.body.decode())["Body"][0]]
    form = {k: v[0] for k, v in parse_qs(post.body.decode()).items()}
    assert (form["To"], form["From"]) == (EMMA, NUMBER)
    assert form["StatusCallback"].startswith(f"https://desk.example/hooks/sms/{sms.channel_id}/")
    row = _delivery(reply["id"])
    assert row.provider_id == sms.twilio.messages[-1]["sid"] and row.recipient == EMMA
    assert row.segments == 1  # what Twilio said
    assert _message(reply["id"]).delivery_status == "sent"


def test_status_callbacks_move_the_message_forward_only(sms: Sms, cast: Cast) -> None:
    sms.text("Do you ship to Canada?", "SM1")
    reply = _reply(sms, cast, _ticket(sms, cast), "We do.")
    sid = str(_delivery(reply["id"]).provider_id)
    assert sms.status(sid, "delivered", Price="-0.00790", PriceUnit="USD").status_code == 204
    assert sms.status(sid, "sent").status_code == 204  # late and out of order: ignored
    row = _delivery(reply["id"])
    assert (row.status, row.price_micros, row.currency) == ("delivered", 7900, "USD")
    assert _message(reply["id"]).delivery_status == "delivered"
    forged = sms.post(
        sms.hook("/status"), {"MessageSid": sid, "MessageStatus": "failed"}, token="nope"
    )
    assert forged.status_code == 403
    assert _message(reply["id"]).delivery_status == "delivered"


def test_an_undelivered_callback_marks_the_message_failed_with_the_carrier_reason(
    sms: Sms, cast: Cast
) -> None:
    sms.text("Do you ship to Canada?", "SM1")
    reply = _reply(sms, cast, _ticket(sms, cast), "We do.")
    row = _delivery(reply["id"])
    answer = sms.status(
        str(row.provider_id), "undelivered", outbox=row.outbox_id, ErrorCode="30003"
    )
    assert answer.status_code == 204
    message = _message(reply["id"])
    assert message.delivery_status == "undelivered"
    assert message.delivery_error == "Twilio error 30003: unreachable destination handset"
    with db.get_db().sessions() as session:
        failed = session.scalars(select(Event).where(Event.kind == EventKind.DELIVERY_FAILED)).one()
    assert failed.data["status"] == "undelivered" and failed.ticket_id == message.ticket_id


def test_a_twilio_outage_is_retried_later_without_a_duplicate(
    sms: Sms, cast: Cast, database: db.Database
) -> None:
    sms.text("Do you ship to Canada?", "SM1")
    sms.fake.outage = [500]
    reply = _reply(sms, cast, _ticket(sms, cast), "We do ship there.")
    with database.sessions() as session:
        item = session.scalars(
            select(outbox.OutboxItem).where(outbox.OutboxItem.message_id == reply["id"])
        ).one()
    assert item.status == outbox.OutboxStatus.PENDING and "500" in str(item.last_error)
    assert item.next_attempt_at > utcnow()  # backed off
    assert "We do ship there." not in sms.sent()
    with database.transaction() as session:  # the back-off has passed
        session.execute(
            update(outbox.OutboxItem)
            .where(outbox.OutboxItem.id == item.id)
            .values(next_attempt_at=utcnow())
        )
    assert outbox.deliver(database, item.id, max_attempts=8) == outbox.OutboxStatus.SENT
    assert outbox.deliver(database, item.id, max_attempts=8) is None  # not due again
    assert sms.sent().count("We do ship there.") == 1
    assert _message(reply["id"]).delivery_status == "sent"


def test_a_worker_that_died_after_twilio_took_the_message_does_not_send_it_twice(
    sms: Sms, cast: Cast, database: db.Database
) -> None:
    sms.text("Do you ship to Canada?", "SM1")
    sms.fake.outage = [503]  # the first try fails: the row stays pending
    reply = _reply(sms, cast, _ticket(sms, cast), "Shipped today.")
    with database.transaction() as session:
        item = session.scalars(
            select(outbox.OutboxItem).where(outbox.OutboxItem.message_id == reply["id"])
        ).one()
        item.next_attempt_at = utcnow()
        item_id = item.id
    # A second try begins, Twilio takes the message, and the worker dies before recording it.
    deliveries.do_restart(database, item_id, utcnow() - dt.timedelta(seconds=5))
    taken = sms.twilio.record(EMMA, NUMBER, "Shipped today.")
    assert outbox.deliver(database, item_id, max_attempts=8) == outbox.OutboxStatus.SENT
    assert sms.sent().count("Shipped today.") == 1
    assert _delivery(reply["id"]).provider_id == taken["sid"]
