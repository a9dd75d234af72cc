"""Twilio's webhooks for an SMS channel: incoming messages (``/hooks/sms/{channel}/twilio``)
and status callbacks for ours (``.../twilio/status``), both signed with the account's Auth
Token over the URL Twilio called (``MINIDESK_PUBLIC_URL`` + the path) and the form fields.

Twilio's signature carries no timestamp, so a captured request stays valid: replays are
refused by the MessageSid instead (the inbox keeps one row per (channel, MessageSid); a
keyword is applied once per MessageSid; a status only ever moves forward).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from minidesk import inbox
from minidesk.channels import deliveries, providers, refusals
from minidesk.channels.base import AttachmentIn, InboundMessage, Sender
from minidesk.channels.models import Channel
from minidesk.channels.sms import consent, twilio
from minidesk.channels.sms.kind import SMS
from minidesk.db import get_db
from minidesk.desk.phones import to_e164
from minidesk.keys import CredentialError
from minidesk.web.problems import Problem

hooks = APIRouter(prefix="/hooks/sms", tags=["sms"])
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
SIGNATURE_HEADER = "X-Twilio-Signature"
MAX_MEDIA = 10  # Twilio sends at most ten media per MMS

_FORM = {
    "application/x-www-form-urlencoded": {
        "schema": {
            "type": "object",
            "properties": {
                name: {"type": "string"}
                for name in (
                    "MessageSid",
                    "AccountSid",
                    "From",
                    "To",
                    "Body",
                    "NumMedia",
                    "MediaUrl0",
                    "MediaContentType0",
                    "MessageStatus",
                    "ErrorCode",
                    "NumSegments",
                )
            },
        }
    }
}
_DOCS: dict[str, Any] = {
    "openapi_extra": {"requestBody": {"required": True, "content": _FORM}},
    "responses": {
        403: {"description": "X-Twilio-Signature missing or not matching the Auth Token"},
        404: {"description": "no such SMS channel, or it is switched off"},
        413: {"description": "body over MINIDESK_MAX_INBOUND_BYTES"},
    },
}


def _check(
    channel_id: int, request: Request, params: list[tuple[str, str]]
) -> providers.Configured:
    """The channel, once the request proves it comes from its Twilio account."""
    db = get_db()
    try:
        with db.sessions() as session:
            found = providers.configured(session, channel_id, SMS)
    except CredentialError as exc:
        raise Problem(403, str(exc), slug="invalid-signature") from None
    if found is None or not found.enabled:
        raise Problem(404, f"SMS channel {channel_id} does not exist or is switched off")
    token = found.secrets.get("auth_token") or ""
    query = f"?{request.url.query}" if request.url.query else ""
    url = providers.public_url(request.url.path + query)
    given = request.headers.get(SIGNATURE_HEADER, "")
    reason = None
    if not token:
        reason = "the channel has no auth_token: nothing can be verified"
    elif not twilio.signature_ok(token, url, params, given):
        reason = f"{SIGNATURE_HEADER} does not match {url} and the form signed with auth_token"
    elif found.settings.get("account_sid") not in (None, dict(params).get("AccountSid")):
        reason = "AccountSid is not this channel's account"
    if reason is not None:
        client = request.client.host if request.client else "unknown"
        refusals.do_record_refusal(db, channel_id, SMS, reason, client)
        raise Problem(403, reason, slug="invalid-signature")
    return found


def _form(body: bytes) -> list[tuple[str, str]]:
    try:
        return parse_qsl(body.decode(), keep_blank_values=True, strict_parsing=False)
    except UnicodeDecodeError:
        raise Problem(400, "the form is not UTF-8") from None


@hooks.post("/{channel_id}/twilio", response_class=Response, **_DOCS)
async def twilio_message(channel_id: int, request: Request) -> Response:
    """An SMS or MMS to the channel's number (Twilio's "A message comes in" webhook)."""
    params = _form(await request.body())
    channel = await run_in_threadpool(_check, channel_id, request, params)
    await run_in_threadpool(_receive, channel, dict(params))
    return Response(EMPTY_TWIML, media_type="text/xml")


def _receive(channel: providers.Configured, form: dict[str, str]) -> None:
    sid = form.get("MessageSid") or form.get("SmsSid") or ""
    phone = to_e164(form.get("From", ""))
    if not sid or not phone:
        raise Problem(422, "MessageSid and From are required")
    body = form.get("Body", "")
    keyword = consent.keyword_of(body)
    db = get_db()
    if keyword is not None:
        with db.transaction() as session:
            channel_row = session.get_one(Channel, channel.id)
            if consent.do_handle_keyword(session, channel_row, sid, phone, *keyword):
                return
    message = InboundMessage(
        channel=SMS,
        channel_id=channel.id,
        external_id=sid,
        # Twilio delivers what the carrier says the sender's number is: the provider vouches.
        sender=Sender(phone=phone, verified=True),
        text=body,
        attachments=_media(form),
        meta={
            "sms": {
                "from": phone,
                "to": to_e164(form.get("To", "")),
                "segments": _int(form.get("NumSegments")),
            }
        },
    )
    inbox.accept(message, db=db)


def _media(form: dict[str, str]) -> tuple[AttachmentIn, ...]:
    """MMS media as attachments whose bytes a job fetches from Twilio once the message is in
    (``channels.media``): the webhook answers at once, whatever Twilio's media storage does."""
    count = min(_int(form.get("NumMedia")) or 0, MAX_MEDIA)
    found = []
    for index in range(count):
        url = form.get(f"MediaUrl{index}", "")[:2000]
        if not url.startswith(("https://", "http://")):
            continue
        content_type = form.get(f"MediaContentType{index}", "application/octet-stream")
        extension = content_type.rpartition("/")[2][:10] or "bin"
        found.append(
            AttachmentIn(
                f"media-{index + 1}.{extension}", content_type[:255], 0, url=url, fetch=url
            )
        )
    return tuple(found)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@hooks.post("/{channel_id}/twilio/status", status_code=204, response_class=Response, **_DOCS)
async def twilio_status(channel_id: int, request: Request) -> Response:
    """A status callback for a message we sent (queued, sent, delivered, undelivered, failed)."""
    params = _form(await request.body())
    await run_in_threadpool(_check, channel_id, request, params)
    outbox = request.query_params.get("outbox", "")
    await run_in_threadpool(_status, channel_id, dict(params), outbox)
    return Response(status_code=204)


def _status(channel_id: int, form: dict[str, str], outbox: str) -> None:
    sid = form.get("MessageSid") or form.get("SmsSid") or ""
    status = form.get("MessageStatus") or form.get("SmsStatus") or ""
    if not sid or not status:
        raise Problem(422, "MessageSid and MessageStatus are required")
    code = form.get("ErrorCode") or None
    price = twilio.price_micros(form.get("Price"))
    report = deliveries.Report(
        status=status,
        error_code=code,
        error=f"Twilio error {code}: {form.get('ErrorMessage') or twilio.describe(code)}"
        if code
        else None,
        segments=_int(form.get("NumSegments")),
        price_micros=price,
        currency=(form.get("PriceUnit") or "")[:3] or None if price is not None else None,
    )
    with get_db().transaction() as session:
        # The URL we gave Twilio names the outbox row (and is signed): found even when the
        # callback outruns our recording of the Sid.
        row = (
            deliveries.by_outbox_id(session, channel_id, int(outbox)) if outbox.isdigit() else None
        )
        row = row or deliveries.by_provider_id(session, channel_id, sid)
        if row is None:
            return  # a message someone sent from Twilio's console: not ours to track
        if row.provider_id is None:
            row.provider_id = sid
        deliveries.do_record_status(session, row, report)
