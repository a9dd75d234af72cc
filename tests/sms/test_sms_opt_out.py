"""STOP, START and HELP as carriers require: an opted-out number is never messaged (the
outbox refuses and says why), START lets it be messaged again, HELP is answered with the
shop's help text, and a replayed STOP cannot undo a later START."""

from __future__ import annotations

from sqlalchemy import select
from tests.conftest import Cast
from tests.sms.conftest import EMMA, Sms

from minidesk import db, outbox
from minidesk.channels.sms.models import SmsKeyword, SmsOptOut
from minidesk.desk.models import Message
from minidesk.event_kinds import EventKind
from minidesk.events import Event


def _ticket(sms: Sms, cast: Cast) -> int:
    items = sms.client.get("/api/v1/tickets", headers=cast.olivia.headers).json()["items"]
    return int(items[0]["number"])


def _reply(sms: Sms, cast: Cast, number: int, text: str) -> Message:
    answer = sms.client.post(
        f"/api/v1/tickets/{number}/messages",
        headers=cast.alice.headers,
        json={"text": text, "type": "reply"},
    )
    assert answer.status_code == 201, answer.text
    with db.get_db().sessions() as session:
        return session.get_one(Message, answer.json()["id"])


def _opted_out() -> list[str]:
    with db.get_db().sessions() as session:
        return list(session.scalars(select(SmsOptOut.phone)))


def test_stop_then_an_agent_reply_is_refused_and_recorded(sms: Sms, cast: Cast) -> None:
    sms.text("Where is my parcel?", "SM1")
    number = _ticket(sms, cast)
    assert sms.text("Stop.", "SM2").status_code == 200
    assert _opted_out() == [EMMA]
    message = _reply(sms, cast, number, "It ships tomorrow.")
    assert "It ships tomorrow." not in sms.sent()
    assert message.delivery_status == "failed"
    assert "opted out" in str(message.delivery_error)
    with db.get_db().sessions() as session:
        item = session.scalars(
            select(outbox.OutboxItem).where(outbox.OutboxItem.message_id == message.id)
        ).one()
        kinds = set(session.scalars(select(Event.kind)))
    assert item.status == outbox.OutboxStatus.DEAD
    assert {EventKind.SMS_OPTED_OUT, EventKind.DELIVERY_FAILED} <= kinds


def test_start_lets_the_number_be_messaged_again(sms: Sms, cast: Cast) -> None:
    sms.text("Where is my parcel?", "SM1")
    number = _ticket(sms, cast)
    sms.text("UNSUBSCRIBE", "SM2")
    sms.text("unstop", "SM3")
    assert _opted_out() == []
    message = _reply(sms, cast, number, "It ships tomorrow.")
    assert message.delivery_status == "sent"
    assert "It ships tomorrow." in sms.sent()


def test_a_replayed_stop_after_start_changes_nothing(sms: Sms) -> None:
    sms.text("STOP", "SM10")
    sms.text("START", "SM11")
    assert sms.text("STOP", "SM10").status_code == 200  # Twilio's retry, or a replay
    assert _opted_out() == []
    with db.get_db().sessions() as session:
        words = list(session.scalars(select(SmsKeyword.keyword).order_by(SmsKeyword.id)))
    assert words == ["stop", "start"]


def test_help_gets_the_shops_help_text_and_keywords_open_no_ticket(sms: Sms, cast: Cast) -> None:
    sms.client.patch(
        f"/api/v1/channels/{sms.channel_id}",
        headers=cast.olivia.headers,
        json={"settings": {"help_text": "Shop: help at shop.example/help"}},
    )
    sms.text("help", "SM20")
    sms.text("STOP", "SM21")
    sms.text("INFO", "SM22")  # an opted-out number still gets HELP's answer
    assert sms.sent() == ["Shop: help at shop.example/help"] * 2
    assert sms.client.get("/api/v1/tickets", headers=cast.olivia.headers).json()["items"] == []


def test_yes_from_a_number_that_never_opted_out_is_a_message(sms: Sms, cast: Cast) -> None:
    sms.text("yes", "SM30")
    with db.get_db().sessions() as session:
        assert list(session.scalars(select(Message.text).order_by(Message.id)))[:1] == ["yes"]
