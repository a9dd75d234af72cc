"""The WhatsApp Cloud API webhook of a channel: ``GET /hooks/whatsapp/{channel}`` answers
Meta's subscription handshake (``hub.verify_token`` must be the channel's verify token), and
``POST`` takes messages and statuses signed with the Meta app's secret
(``X-Hub-Signature-256`` over the raw body).

Meta's signature carries no timestamp either: a replayed message is refused by its wamid (the
inbox keeps one row per (channel, wamid)) and a replayed status changes nothing (statuses
only move forward).
"""

from __future__ import annotations

import hmac
import json
from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from minidesk import inbox
from minidesk.channels import deliveries, providers, refusals
from minidesk.channels.whatsapp.inbound import Incoming, read_messages, read_statuses
from minidesk.channels.whatsapp.kind import WHATSAPP
from minidesk.db import get_db
from minidesk.keys import CredentialError
from minidesk.policies.pack import get_pack
from minidesk.web.problems import Problem

hooks = APIRouter(prefix="/hooks/whatsapp", tags=["whatsapp"])
SIGNATURE_HEADER = "X-Hub-Signature-256"
_REFUSED: dict[int | str, dict[str, Any]] = {
    403: {"description": "signature or verify token missing or not matching"},
    404: {"description": "no such WhatsApp channel, or it is switched off"},
}


def _channel(channel_id: int) -> providers.Configured:
    try:
        with get_db().sessions() as session:
            found = providers.configured(session, channel_id, WHATSAPP)
    except CredentialError as exc:
        raise Problem(403, str(exc), slug="invalid-signature") from None
    if found is None or not found.enabled:
        raise Problem(404, f"WhatsApp channel {channel_id} does not exist or is switched off")
    return found


@hooks.get("/{channel_id}", response_class=Response, responses=_REFUSED)
def verify(channel_id: int, request: Request) -> Response:
    """Meta's handshake when the webhook URL is saved: echo ``hub.challenge`` back."""
    channel = _channel(channel_id)
    query = request.query_params
    expected = str(channel.secrets.get("verify_token") or "")
    given = query.get("hub.verify_token", "")
    if (
        query.get("hub.mode") != "subscribe"
        or not expected
        or not hmac.compare_digest(expected.encode(), given.encode())
    ):
        raise Problem(
            403, "hub.verify_token is not this channel's verify_token", slug="invalid-verify-token"
        )
    return Response(query.get("hub.challenge", ""), media_type="text/plain")


@hooks.post(
    "/{channel_id}",
    responses={**_REFUSED, 413: {"description": "body over MINIDESK_MAX_INBOUND_BYTES"}},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "description": "Meta's webhook notification (whatsapp_business_account)",
                    }
                }
            },
        }
    },
)
async def notify(channel_id: int, request: Request) -> dict[str, int]:
    """Messages from customers and statuses of ours (sent, delivered, read, failed)."""
    body = await request.body()
    channel = await run_in_threadpool(_channel, channel_id)
    secret = str(channel.secrets.get("app_secret") or "")
    given = request.headers.get(SIGNATURE_HEADER, "")
    if not secret or not _signed(secret, body, given):
        reason = (
            f"{SIGNATURE_HEADER} does not match the body signed with app_secret"
            if secret
            else "the channel has no app_secret: nothing can be verified"
        )
        client = request.client.host if request.client else "unknown"
        await run_in_threadpool(
            refusals.do_record_refusal, get_db(), channel_id, WHATSAPP, reason, client
        )
        raise Problem(403, reason, slug="invalid-signature")
    try:
        notification = json.loads(body)
    except ValueError:
        raise Problem(400, "the body is not JSON") from None
    if not isinstance(notification, dict):
        raise Problem(400, "the body is not a JSON object")
    return await run_in_threadpool(_take, channel, notification)


def _signed(secret: str, body: bytes, given: str) -> bool:
    from minidesk.channels.whatsapp.graph import signature_ok

    return signature_ok(secret, body, given)


def _take(channel: providers.Configured, notification: dict[str, Any]) -> dict[str, int]:
    db = get_db()
    phone_number_id = str(channel.settings.get("phone_number_id") or "")
    with db.sessions() as session:
        token = get_pack(session).confirm_token
    incoming = Incoming(channel.id, phone_number_id, token)
    messages = read_messages(incoming, notification)
    if messages:
        inbox.accept_many(messages, db=db)
    statuses = read_statuses(incoming, notification)
    with db.transaction() as session:
        for wamid, report in statuses:
            row = deliveries.by_provider_id(session, channel.id, wamid)
            if row is not None:  # else a message sent from another tool on this number
                deliveries.do_record_status(session, row, report)
    return {"messages": len(messages), "statuses": len(statuses)}
