"""WhatsApp's customer-service window: for 24 hours after the customer's last message the
business may write anything; after that, only a template Meta approved (a free-form message
is refused by WhatsApp with error 131047). The desk checks before it queues an agent's reply
(a precise ``whatsapp-window-closed`` error instead of a failure later) and again when it
sends, since the window may close while a reply waits."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from minidesk.channels.kinds import ReplyRefused
from minidesk.channels.models import Channel
from minidesk.channels.whatsapp.kind import WHATSAPP
from minidesk.db import utcnow
from minidesk.desk.customers import merged_ids
from minidesk.desk.models import Customer, Direction, Message, Ticket

WINDOW = dt.timedelta(hours=24)
TEMPLATE = "whatsapp_template"  # the reply's meta naming the approved template it is
WINDOW_CLOSED = "whatsapp-window-closed"
NOT_APPROVED = "whatsapp-template-not-approved"


def last_inbound_at(session: Session, channel_id: int, customer_id: int) -> dt.datetime | None:
    customer = session.get_one(Customer, customer_id)
    found: dt.datetime | None = session.scalar(
        select(func.max(Message.created_at)).where(
            Message.channel_id == channel_id,
            Message.direction == Direction.INBOUND,
            Message.customer_id.in_(merged_ids(session, customer)),
        )
    )
    return found


@dataclass(frozen=True)
class ReplyWindow:
    """Whether a free-text reply on the ticket's channel may go now, and until when (None
    for channels with no window, or a WhatsApp window that never opened)."""

    channel: str
    open: bool
    closes_at: dt.datetime | None
    last_inbound_at: dt.datetime | None


def reply_window(session: Session, ticket: Ticket) -> ReplyWindow:
    """The window of the channel a reply on ``ticket`` goes by: the one the customer last
    wrote on (``desk.messages.reply_channel``), else the ticket's own."""
    from minidesk.desk.messages import reply_channel

    channel, channel_id = reply_channel(session, ticket)
    if channel != WHATSAPP or channel_id is None:
        return ReplyWindow(channel, True, None, None)
    last = last_inbound_at(session, channel_id, ticket.customer_id)
    closes = last + WINDOW if last is not None else None
    return ReplyWindow(WHATSAPP, closes is not None and utcnow() < closes, closes, last)


def approved_templates(session: Session, channel_id: int) -> list[dict[str, Any]]:
    """The channel's approved templates (name, language, number of parameters)."""
    channel = session.get_one(Channel, channel_id)
    return [
        {"name": t["name"], "language": t.get("language", "en_US"),
         "parameters": int(t.get("parameters", 0))}
        for t in (channel.settings or {}).get("templates") or []
    ]  # fmt: skip


NAME = re.compile(r"^[a-z0-9_]{1,512}$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(_[A-Z]{2})?$")
MAX_PARAMETERS, MAX_PARAMETER = 20, 1024


def template_reply(name: str, language: str, parameters: list[str] | None) -> dict[str, Any]:
    """A reply's ``whatsapp_template`` meta from a form's fields (``ValueError`` saying which
    field is wrong); whether the channel approved it is ``check_reply``'s to say."""
    given = list(parameters or [])
    if not NAME.match(name):
        raise ValueError(f"{name[:60]!r} is not a template name (a-z, 0-9 and _)")
    if not LANGUAGE.match(language):
        raise ValueError(f"{language[:20]!r} is not a template language such as en_US")
    if len(given) > MAX_PARAMETERS or any(len(p) > MAX_PARAMETER for p in given):
        raise ValueError(f"at most {MAX_PARAMETERS} parameters of {MAX_PARAMETER} characters")
    if any(not p.strip() for p in given):
        raise ValueError("every template parameter needs a value")
    return {"name": name, "language": language, "parameters": given}


def template_text(template: dict[str, Any]) -> str:
    """What the timeline shows for a template reply (WhatsApp renders the text itself)."""
    return f"[template {template['name']}] " + " · ".join(template.get("parameters") or [])


def window_open(session: Session, channel_id: int, customer_id: int) -> bool:
    last = last_inbound_at(session, channel_id, customer_id)
    return last is not None and utcnow() - last < WINDOW


def approved(session: Session, channel_id: int, wanted: dict[str, Any]) -> dict[str, Any] | None:
    """The channel's approved template ``wanted`` names (same name and language, the right
    number of parameters), or None."""
    channel = session.get_one(Channel, channel_id)
    parameters = wanted.get("parameters") or []
    for template in (channel.settings or {}).get("templates") or []:
        if (template["name"], template.get("language", "en_US")) == (
            wanted.get("name"),
            wanted.get("language", "en_US"),
        ) and template.get("parameters", 0) == len(parameters):
            return dict(template)
    return None


def check_reply(
    session: Session, ticket: Ticket, channel_id: int, meta: dict[str, Any], automated: bool
) -> None:
    """The ``ChannelKind.check_reply`` of WhatsApp: an approved template always goes; free text
    only inside the window. The bot is not stopped here (its replies answer a message just
    received; one that waited past the window is held by the outbox: see ``hold``)."""
    wanted = meta.get(TEMPLATE)
    if wanted is not None:
        if approved(session, channel_id, wanted) is None:
            raise ReplyRefused(
                NOT_APPROVED,
                f"template {wanted.get('name')!r} ({wanted.get('language', 'en_US')}) with "
                f"{len(wanted.get('parameters') or [])} parameter(s) is not one of this "
                "channel's approved templates (settings.templates)",
            )
        return
    if automated or window_open(session, channel_id, ticket.customer_id):
        return
    last = last_inbound_at(session, channel_id, ticket.customer_id)
    since = f"the customer last wrote at {last:%Y-%m-%d %H:%M} UTC" if last else "no message yet"
    raise ReplyRefused(
        WINDOW_CLOSED,
        f"WhatsApp's 24-hour window is closed ({since}): only an approved template may be "
        "sent now (whatsapp_template: name, language, parameters)",
    )
