"""STOP, START and HELP as carriers require them (CTIA's messaging principles, Twilio's
Advanced Opt-Out keywords): a number that texted STOP is never messaged again on this channel
until it texts START, and HELP is answered with the shop's help text.

A keyword is a whole message of one word ("Stop", "stop." count; "please stop the order"
does not). Each keyword message is applied once, by its MessageSid, in the transaction that
changes consent, so Twilio's retries and replayed webhooks change nothing twice.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from minidesk import hints
from minidesk.channels.models import Channel
from minidesk.channels.sms.kind import SMS
from minidesk.channels.sms.models import SmsKeyword, SmsOptOut

__all__ = ["Keyword", "SmsOptOut", "do_handle_keyword", "keyword_of", "opted_out"]
from minidesk.db import on_commit, upsert_insert
from minidesk.desk.models import CustomerIdentity, IdentityKind
from minidesk.desk.workspace import get_workspace
from minidesk.event_kinds import EventKind
from minidesk.events import Actor, ActorType, emit
from minidesk.outbox import OutboxItem


class Keyword(StrEnum):
    STOP = "stop"
    START = "start"
    HELP = "help"


WORDS = {
    **dict.fromkeys(("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"), Keyword.STOP),
    **dict.fromkeys(("START", "YES", "UNSTOP"), Keyword.START),
    **dict.fromkeys(("HELP", "INFO"), Keyword.HELP),
}
# The outbox row's meta that marks a reply to a keyword: the one message an opted-out number
# may still get is the confirmation of its STOP (and HELP's answer, which carriers require).
CONTROL = "sms_control"


def keyword_of(body: str) -> tuple[Keyword, str] | None:
    word = body.strip().rstrip(".!").strip().upper()
    found = WORDS.get(word)
    return (found, word) if found is not None else None


def opted_out(session: Session, channel_id: int, phone: str) -> bool:
    found = session.scalar(
        select(SmsOptOut.id).where(SmsOptOut.channel_id == channel_id, SmsOptOut.phone == phone)
    )
    return found is not None


def default_help(shop: str) -> str:
    return (
        f"{shop} support: reply to this number to reach us. Msg & data rates may apply. "
        "Reply STOP to opt out."
    )


def do_handle_keyword(
    session: Session, channel: Channel, message_sid: str, phone: str, keyword: Keyword, word: str
) -> bool:
    """Apply a keyword message; False when it is an ordinary message after all (START or YES
    from a number that never opted out is an answer in the conversation)."""
    if keyword == Keyword.START and not opted_out(session, channel.id, phone):
        return False
    try:
        with session.begin_nested():
            session.add(
                SmsKeyword(
                    channel_id=channel.id,
                    message_sid=message_sid,
                    phone=phone,
                    keyword=keyword,
                    word=word[:16],
                )
            )
    except IntegrityError:
        return True  # applied when it first came: a retry or a replay changes nothing
    settings = channel.settings or {}
    customer_id = session.scalar(
        select(CustomerIdentity.customer_id).where(
            CustomerIdentity.kind == IdentityKind.PHONE, CustomerIdentity.value == phone
        )
    )
    actor = Actor(ActorType.CUSTOMER, customer_id, phone)
    reply: str | None
    if keyword == Keyword.STOP:
        session.execute(
            upsert_insert(session, SmsOptOut)
            .values(channel_id=channel.id, phone=phone, keyword=word[:16])
            .on_conflict_do_nothing(index_elements=["channel_id", "phone"])
        )
        emit(
            session,
            EventKind.SMS_OPTED_OUT,
            actor,
            customer_id=customer_id,
            channel_id=channel.id,
            phone=phone,
            word=word,
        )
        reply = settings.get("stop_reply")
    elif keyword == Keyword.START:
        session.execute(
            delete(SmsOptOut).where(SmsOptOut.channel_id == channel.id, SmsOptOut.phone == phone)
        )
        emit(
            session,
            EventKind.SMS_OPTED_IN,
            actor,
            customer_id=customer_id,
            channel_id=channel.id,
            phone=phone,
            word=word,
        )
        reply = settings.get("start_reply")
    else:
        reply = settings.get("help_text") or default_help(get_workspace(session).name)
    if reply:
        _enqueue_control(session, channel.id, phone, reply, keyword)
    return True


def _enqueue_control(
    session: Session, channel_id: int, phone: str, text: str, keyword: Keyword
) -> None:
    item = OutboxItem(
        channel=SMS,
        channel_id=channel_id,
        payload={
            "text": text,
            "html": None,
            "subject": "",
            "automated": True,
            "meta": {CONTROL: str(keyword)},
            "recipient": {"phone": phone},
        },
    )
    session.add(item)
    session.flush()
    item_id = item.id
    on_commit(session, lambda: hints.outbox_due(item_id))
