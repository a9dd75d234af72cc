"""Sends SMS replies from the outbox through Twilio's Messages API, at most once each.

Twilio's API takes no idempotency key, so the attempt is recorded (and committed) before the
request leaves, and the Sid as soon as Twilio answers. A retry that finds an attempt without
a Sid cannot know whether the last try reached Twilio (the worker died, or the answer timed
out): it looks for the message in Twilio's own log (same recipient, sender and body, created
since the attempt began) and records that one instead of sending again. An answered error
sent nothing, so its retry sends afresh.

An opted-out number (STOP) gets nothing but the confirmation of its STOP and HELP's answer:
the row becomes a dead letter that says why, and Twilio's own "unsubscribed recipient"
refusal opts the number out here too.
"""

from __future__ import annotations

import datetime as dt
from email.utils import parsedate_to_datetime
from typing import Any

from sqlalchemy.orm import Session

from minidesk.channels import deliveries, providers
from minidesk.channels.base import DeliveryError, DeliveryResult, OutboundMessage
from minidesk.channels.models import DeliveryAttempt
from minidesk.channels.sms import consent, twilio
from minidesk.channels.sms.kind import SMS
from minidesk.db import Database, get_db, upsert_insert, utcnow
from minidesk.desk.phones import to_e164
from minidesk.keys import CredentialError
from minidesk.replies.sms import measure

SENT = "sent"
# Clocks differ: a message Twilio logged this long before our attempt began can still be it.
CLOCK_SLACK = dt.timedelta(minutes=2)


def _recipient(session: Session, message: OutboundMessage) -> str:
    """The number the customer last texted this channel from, else the one on file."""
    return providers.last_sender(session, message, "sms") or to_e164(
        str(message.recipient.get("phone") or "")
    )


def _prepare(db: Database, message: OutboundMessage) -> tuple[providers.Configured, str]:
    if message.channel_id is None:
        raise DeliveryError("an SMS reply without a channel instance", permanent=True)
    try:
        with db.sessions() as session:
            channel = providers.configured(session, message.channel_id, SMS)
            phone = _recipient(session, message)
            refused = bool(phone) and consent.opted_out(session, message.channel_id, phone)
    except CredentialError as exc:
        raise DeliveryError(str(exc), permanent=True) from None
    if channel is None:
        raise DeliveryError(f"SMS channel {message.channel_id} no longer exists", permanent=True)
    if not phone:
        raise DeliveryError("the customer has no phone number", permanent=True)
    if refused and consent.CONTROL not in message.meta:
        raise DeliveryError(
            f"{phone} opted out of this number (texted STOP): nothing is sent to it until it "
            "texts START",
            permanent=True,
        )
    providers.check_not_placeholder(channel)
    missing = [name for name in ("account_sid",) if not channel.settings.get(name)]
    missing += [] if channel.secrets.get("auth_token") else ["auth_token"]
    if not (channel.settings.get("phone_number") or channel.settings.get("messaging_service_sid")):
        missing.append("phone_number or messaging_service_sid")
    if missing:
        # Not permanent: the reply waits (with back-off) while an admin completes the channel.
        raise DeliveryError(f"SMS channel {channel.id} lacks {', '.join(missing)}")
    return channel, phone


class SmsAdapter:
    kind = SMS

    def send(self, message: OutboundMessage) -> DeliveryResult:
        db = get_db()
        channel, phone = _prepare(db, message)
        account = twilio.Account(channel.settings["account_sid"], channel.secrets["auth_token"])
        sender = channel.settings.get("phone_number")
        earlier = deliveries.do_begin(
            db, message.outbox_id, channel.id, message.message_id or None, phone
        )
        if earlier is not None:
            if earlier.attempt == DeliveryAttempt.ACCEPTED and earlier.provider_id:
                return DeliveryResult(earlier.provider_id, _shown(earlier.status))
            if earlier.attempt == DeliveryAttempt.PENDING:
                found = _look_up(account, phone, sender, message.text, earlier.started_at)
                if found is not None:
                    return _accepted(db, message, found)
            deliveries.do_restart(db, message.outbox_id, utcnow())
        values = {
            "To": phone,
            "Body": message.text,
            "StatusCallback": providers.public_url(
                f"/hooks/sms/{channel.id}/twilio/status?outbox={message.outbox_id}"
            ),
        }
        if channel.settings.get("messaging_service_sid"):
            values["MessagingServiceSid"] = channel.settings["messaging_service_sid"]
        else:
            values["From"] = str(sender)
        try:
            answer = twilio.create_message(account, values)
        except twilio.TwilioError as exc:
            if exc.nothing_sent:
                deliveries.do_refuse(db, message.outbox_id, exc.reason)
            if exc.code == twilio.UNSUBSCRIBED:
                _opt_out(db, channel.id, phone)
            raise DeliveryError(exc.reason, permanent=exc.permanent) from None
        return _accepted(db, message, answer)


def _accepted(db: Database, message: OutboundMessage, answer: dict[str, Any]) -> DeliveryResult:
    sid = str(answer.get("sid") or "")
    if not sid:
        raise DeliveryError("Twilio answered without a message sid")
    segments = str(answer.get("num_segments") or "")
    status = deliveries.do_accept(
        db,
        message.outbox_id,
        sid,
        str(answer.get("status") or "queued"),
        # Twilio's count where it gives one; else ours (GSM-7 or UCS-2, as the carrier will).
        segments=int(segments) if segments.isdigit() else measure(message.text).segments,
        price_micros=twilio.price_micros(answer.get("price")),
        currency=str(answer.get("price_unit") or "")[:3] or None,
    )
    return DeliveryResult(sid, _shown(status))


def _shown(status: str | None) -> str:
    """What the message shows once Twilio has it: "sent", or what a callback already said."""
    if status and deliveries.RANK.get(status, 0) > deliveries.RANK[SENT]:
        return status
    return SENT


def _look_up(
    account: twilio.Account, phone: str, sender: str | None, text: str, since: dt.datetime
) -> dict[str, Any] | None:
    """Our message in Twilio's log, if the last attempt reached it."""
    try:
        recent = twilio.recent_messages(account, phone, sender or "")
    except twilio.TwilioError as exc:
        raise DeliveryError(f"cannot tell whether the last try was sent: {exc.reason}") from None
    for found in recent:
        created = _when(found.get("date_created"))
        if found.get("body") == text and created is not None and created >= since - CLOCK_SLACK:
            return found
    return None


def _when(value: object) -> dt.datetime | None:
    try:
        return parsedate_to_datetime(str(value)) if value else None
    except (TypeError, ValueError):
        return None


def _opt_out(db: Database, channel_id: int, phone: str) -> None:
    """Twilio refused: the number unsubscribed there (STOP reached Twilio but not us)."""
    with db.transaction() as session:
        session.execute(
            upsert_insert(session, consent.SmsOptOut)
            .values(channel_id=channel_id, phone=phone, keyword="twilio")
            .on_conflict_do_nothing(index_elements=["channel_id", "phone"])
        )
