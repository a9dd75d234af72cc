"""Reading Meta's webhook notifications: customers' messages (text, media, locations,
interactive and template button replies) as ``InboundMessage``s, and statuses as reports.

Only changes for this channel's own ``phone_number_id`` are read: one Meta app may serve
several numbers, each its own channel.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from minidesk.channels.base import AttachmentIn, InboundMessage, Sender
from minidesk.channels.deliveries import Report
from minidesk.channels.whatsapp.kind import CONFIRM_BUTTON, WHATSAPP
from minidesk.desk.phones import to_e164

MEDIA = ("image", "audio", "video", "document", "sticker")
SHA256_LENGTH = 64  # ``attachments.sha256``; WhatsApp's may be base64 of another length


@dataclass(frozen=True)
class Incoming:
    channel_id: int
    phone_number_id: str
    confirm_token: str  # what the refund offer's button stands for


def _values(incoming: Incoming, notification: dict[str, Any]) -> Iterator[dict[str, Any]]:
    if notification.get("object") != "whatsapp_business_account":
        return
    for entry in _list(notification.get("entry")):
        for change in _list(entry.get("changes")):
            value = change.get("value")
            if change.get("field") != "messages" or not isinstance(value, dict):
                continue
            metadata = _dict(value.get("metadata"))
            if str(metadata.get("phone_number_id", "")) == incoming.phone_number_id:
                yield value


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def read_messages(incoming: Incoming, notification: dict[str, Any]) -> list[InboundMessage]:
    found = []
    for value in _values(incoming, notification):
        names = {
            str(c.get("wa_id")): str((c.get("profile") or {}).get("name") or "")
            for c in _list(value.get("contacts"))
        }
        for message in _list(value.get("messages")):
            read = _message(incoming, message, names)
            if read is not None:
                found.append(read)
    return found


def _message(
    incoming: Incoming, message: dict[str, Any], names: dict[str, str]
) -> InboundMessage | None:
    wamid, wa_id, kind = (
        str(message.get("id") or ""),
        str(message.get("from") or ""),
        message.get("type"),
    )
    phone = to_e164(wa_id)
    if not wamid or not phone or kind in ("reaction", "system"):
        return None  # a reaction or a number change is no message to answer
    text, attachments, meta = _content(incoming, kind, message)
    context = _dict(message.get("context"))
    meta = {"from": wa_id, "type": kind, **meta}
    if context.get("id"):
        meta["context_id"] = str(context["id"])
    return InboundMessage(
        channel=WHATSAPP,
        channel_id=incoming.channel_id,
        external_id=wamid,
        # WhatsApp proves the number: only its owner's phone can write from it.
        sender=Sender(phone=phone, name=names.get(wa_id, ""), verified=True),
        text=text,
        attachments=attachments,
        reply_to_external_ids=(str(context["id"]),) if context.get("id") else (),
        meta={"whatsapp": meta},
    )


def _content(
    incoming: Incoming, kind: object, message: dict[str, Any]
) -> tuple[str, tuple[AttachmentIn, ...], dict[str, Any]]:
    part = _dict(message.get(str(kind)))
    if kind == "text":
        return str(part.get("body") or ""), (), {}
    if kind in MEDIA:
        mime = str(part.get("mime_type") or "application/octet-stream")[:255]
        extension = mime.split(";")[0].rpartition("/")[2][:10] or "bin"
        media_id = str(part.get("id") or "")
        sha = str(part.get("sha256") or "")
        attachment = AttachmentIn(
            filename=str(part.get("filename") or f"{kind}-{media_id[-8:] or 'media'}.{extension}")[
                :255
            ],
            content_type=mime,
            size=0,
            sha256=sha if len(sha) == SHA256_LENGTH else None,
            fetch=media_id or None,
        )
        # A job fetches the bytes from Meta by media id once the message is in.
        return str(part.get("caption") or ""), (attachment,), {"media_id": media_id}
    if kind == "interactive":
        reply = _dict(part.get("button_reply") or part.get("list_reply"))
        return _choice(incoming, str(reply.get("id") or ""), str(reply.get("title") or ""))
    if kind == "button":  # a quick-reply button of a template
        return _choice(incoming, str(part.get("payload") or ""), str(part.get("text") or ""))
    if kind == "location":
        where = ", ".join(str(part[k]) for k in ("name", "address") if part.get(k))
        return f"Location: {part.get('latitude')}, {part.get('longitude')} {where}".strip(), (), {}
    return f"[{kind} message]", (), {}


def _choice(
    incoming: Incoming, choice_id: str, title: str
) -> tuple[str, tuple[AttachmentIn, ...], dict[str, Any]]:
    """A tapped button. Our refund offer's "Yes, refund" stands for the confirmation token,
    so the refund flow reads it exactly as if the customer had typed it."""
    if choice_id == CONFIRM_BUTTON:
        return incoming.confirm_token, (), {"button": choice_id, "title": title}
    return title, (), {"button": choice_id}


def read_statuses(incoming: Incoming, notification: dict[str, Any]) -> list[tuple[str, Report]]:
    found = []
    for value in _values(incoming, notification):
        for status in _list(value.get("statuses")):
            wamid, state = str(status.get("id") or ""), str(status.get("status") or "")
            if not wamid or not state:
                continue
            errors = _list(status.get("errors"))
            code = str(errors[0].get("code")) if errors else None
            title = str(errors[0].get("title") or errors[0].get("message") or "") if errors else ""
            error = f"WhatsApp error {code}: {title}" if errors else None
            found.append((wamid, Report(status=state, error_code=code, error=error)))
    return found
