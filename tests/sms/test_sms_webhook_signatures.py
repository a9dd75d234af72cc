"""Twilio's inbound webhook: only requests signed with the channel's Auth Token over the URL
Twilio called are taken; a forged one is refused (403, recorded) and a replayed MessageSid
lands once."""

from __future__ import annotations

from sqlalchemy import select
from tests.conftest import Cast
from tests.providers import PUBLIC_URL
from tests.sms.conftest import EMMA, Sms
from tests.sms.twilio_fake import AUTH_TOKEN

from minidesk import db
from minidesk.channels.models import Channel
from minidesk.channels.sms.twilio import signature
from minidesk.desk.models import Attachment, Customer, Message
from minidesk.event_kinds import EventKind
from minidesk.events import Event


def _messages() -> list[Message]:
    with db.get_db().sessions() as session:
        return list(session.scalars(select(Message).where(Message.direction == "inbound")))


def test_a_forged_signature_is_refused_and_recorded(sms: Sms) -> None:
    form = {"MessageSid": "SM1", "AccountSid": "x", "From": EMMA, "Body": "refund me"}
    forged = sms.post(sms.hook(), form, token="guessed-token")
    assert forged.status_code == 403
    assert forged.headers["content-type"].startswith("application/problem+json")
    assert forged.json()["type"].endswith("/invalid-signature")
    unsigned = sms.client.post(sms.hook(), data=form)
    assert unsigned.status_code == 403
    assert _messages() == []
    with db.get_db().sessions() as session:
        refused = session.scalars(
            select(Event).where(Event.kind == EventKind.CHANNEL_WEBHOOK_REFUSED)
        ).all()
    assert [e.data["channel_id"] for e in refused] == [sms.channel_id]  # one a minute


def test_a_signature_for_another_body_or_url_does_not_verify(sms: Sms) -> None:
    genuine = sms.text("Hello there", "SM100")
    assert genuine.status_code == 200
    assert genuine.headers["content-type"].startswith("text/xml")
    # Signed with the right token, but for another channel's URL.
    form = {"MessageSid": "SM101", "AccountSid": "AC", "From": EMMA, "Body": "YES REFUND"}
    signed_elsewhere = signature(AUTH_TOKEN, PUBLIC_URL + "/hooks/sms/999/twilio", form.items())
    moved = sms.client.post(sms.hook(), data=form, headers={"X-Twilio-Signature": signed_elsewhere})
    assert moved.status_code == 403
    assert [m.text for m in _messages()] == ["Hello there"]


def test_a_replayed_message_sid_lands_once(sms: Sms, cast: Cast) -> None:
    assert sms.text("Do you ship to Canada?", "SM200").status_code == 200
    assert sms.text("Do you ship to Canada?", "SM200").status_code == 200
    [message] = _messages()
    assert message.external_id == "SM200" and message.channel == "sms"
    with db.get_db().sessions() as session:
        customer = session.get_one(Customer, message.customer_id)
        assert customer.phone == EMMA


def test_mms_media_is_recorded_as_attachments(sms: Sms) -> None:
    media = "https://api.twilio.com/2010-04-01/Accounts/AC/Messages/MM1/Media/ME1"
    answer = sms.text(
        "the box arrived crushed",
        "MM300",
        NumMedia="1",
        MediaUrl0=media,
        MediaContentType0="image/jpeg",
    )
    assert answer.status_code == 200
    with db.get_db().sessions() as session:
        [attachment] = session.scalars(select(Attachment)).all()
    assert (attachment.url, attachment.content_type) == (media, "image/jpeg")
    assert attachment.filename == "media-1.jpeg"


def test_an_oversized_webhook_is_refused_before_it_is_read(sms: Sms) -> None:
    answer = sms.text("x" * (70 * 1024), "SM400")
    assert answer.status_code == 413
    assert answer.json()["type"].endswith("/payload-too-large")
    assert _messages() == []


def test_an_unknown_channel_is_not_found(sms: Sms) -> None:
    answer = sms.client.post("/hooks/sms/999/twilio", data={"MessageSid": "SM1"})
    assert answer.status_code == 404


def test_the_auth_token_is_stored_encrypted_and_never_shown(sms: Sms, cast: Cast) -> None:
    shown = sms.client.get(f"/api/v1/channels/{sms.channel_id}", headers=cast.olivia.headers)
    assert shown.json()["secrets_set"] == ["auth_token"]
    assert AUTH_TOKEN not in shown.text
    with db.get_db().sessions() as session:
        row = session.get_one(Channel, sms.channel_id)
        assert AUTH_TOKEN not in str(row.settings) + str(row.secrets_encrypted)
