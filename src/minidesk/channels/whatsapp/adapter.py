"""Sends WhatsApp replies from the outbox through the Graph API, at most once each.

The attempt is recorded (and committed) before the request leaves and the wamid as soon as
Meta answers. Unlike Twilio, the Cloud API has no log to look in: a retry that finds an
attempt without a wamid (the worker died, or the answer timed out) cannot tell whether the
customer got it, so the reply becomes a dead letter saying so, for an admin to check and
replay, rather than risking a duplicate. An answered error sent nothing and is retried.

What is sent: an approved template when the reply names one; a message offering answers to
tap (a survey's scores) as reply buttons or a list (``choices``); the refund offer as an
interactive message with a "Yes, refund" button; otherwise text, and only while the 24-hour
window is open (an automated message that meets a closed window is held: see ``hold``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from minidesk.channels import deliveries, providers
from minidesk.channels.base import DeliveryError, DeliveryResult, OutboundMessage
from minidesk.channels.models import DeliveryAttempt
from minidesk.channels.whatsapp import choices, graph, hold, window
from minidesk.channels.whatsapp.kind import CONFIRM_BUTTON, WHATSAPP
from minidesk.db import Database, get_db, utcnow
from minidesk.desk.models import Ticket
from minidesk.keys import CredentialError

REFUND_OFFER = "refund_offer"  # the reply template whose answer is the confirmation token
CONFIRM_TITLE = "Yes, refund"  # a reply button's title: at most 20 characters
BODY_LIMIT = 4096  # characters of a text message (1024 in an interactive body)
INTERACTIVE_LIMIT = 1024


class WindowClosed(DeliveryError):
    """Free text past the 24-hour window: an automated message is held (``hold``)."""


def _recipient(session: Session, message: OutboundMessage) -> str:
    """The WhatsApp id the customer last wrote from on this channel, else their phone."""
    found = providers.last_sender(session, message, "whatsapp")
    return found or str(message.recipient.get("phone") or "").lstrip("+")


def _payload(session: Session, message: OutboundMessage, to: str) -> dict[str, Any]:
    base: dict[str, Any] = {"recipient_type": "individual", "to": to}
    wanted = message.meta.get(window.TEMPLATE)
    if wanted is not None:
        template = window.approved(session, message.channel_id or 0, wanted)
        if template is None:
            raise DeliveryError(
                f"template {wanted.get('name')!r} is no longer approved on this channel",
                permanent=True,
            )
        parameters = [{"type": "text", "text": str(p)} for p in wanted.get("parameters") or []]
        body = {"name": template["name"], "language": {"code": template.get("language", "en_US")}}
        if parameters:
            body["components"] = [{"type": "body", "parameters": parameters}]
        return {**base, "type": "template", "template": body}
    ticket = session.get(Ticket, message.ticket_id)
    if ticket is None or not window.window_open(
        session, message.channel_id or 0, ticket.customer_id
    ):
        raise WindowClosed(
            f"{window.WINDOW_CLOSED}: more than 24 hours since the customer last wrote on "
            "WhatsApp; only an approved template may be sent",
            permanent=True,
        )
    offered = choices.interactive(message.text, message.meta.get("choices"))
    if offered is not None:
        return {**base, "type": "interactive", "interactive": offered}
    if message.meta.get("template") == REFUND_OFFER and len(message.text) <= INTERACTIVE_LIMIT:
        button = {"type": "reply", "reply": {"id": CONFIRM_BUTTON, "title": CONFIRM_TITLE}}
        return {
            **base,
            "type": "interactive",
            "interactive": {
                "type": "button",
                "body": {"text": message.text},
                "action": {"buttons": [button]},
            },
        }
    return {
        **base,
        "type": "text",
        "text": {"preview_url": False, "body": message.text[:BODY_LIMIT]},
    }


def _prepare(db: Database, message: OutboundMessage) -> tuple[graph.Sender, str, dict[str, Any]]:
    if message.channel_id is None or not message.ticket_id:
        raise DeliveryError("a WhatsApp reply needs its ticket and channel", permanent=True)
    try:
        with db.sessions() as session:
            channel = providers.configured(session, message.channel_id, WHATSAPP)
            if channel is None:
                raise DeliveryError(
                    f"WhatsApp channel {message.channel_id} no longer exists", permanent=True
                )
            to = _recipient(session, message)
            if not to:
                raise DeliveryError("the customer has no WhatsApp number", permanent=True)
            payload = _payload(session, message, to)
    except CredentialError as exc:
        raise DeliveryError(str(exc), permanent=True) from None
    providers.check_not_placeholder(channel)
    number = str(channel.settings.get("phone_number_id") or "")
    token = str(channel.secrets.get("access_token") or "")
    if not number or not token:
        # Not permanent: the reply waits (with back-off) while an admin completes the channel.
        raise DeliveryError(f"WhatsApp channel {channel.id} lacks phone_number_id or access_token")
    return graph.Sender(number, token), to, payload


class WhatsAppAdapter:
    kind = WHATSAPP

    def send(self, message: OutboundMessage) -> DeliveryResult:
        db = get_db()
        try:
            sender, to, payload = _prepare(db, message)
        except WindowClosed:
            if not message.automated:
                raise
            hold.do_hold_or_hand_off(db, message)  # raises: parked, or handed to agents
            raise
        assert message.channel_id is not None
        earlier = deliveries.do_begin(
            db, message.outbox_id, message.channel_id, message.message_id or None, to
        )
        if earlier is not None:
            if earlier.attempt == DeliveryAttempt.ACCEPTED and earlier.provider_id:
                return DeliveryResult(earlier.provider_id, _shown(earlier.status))
            if earlier.attempt == DeliveryAttempt.PENDING:
                reason = (
                    "an earlier try may have reached WhatsApp (no answer was recorded): check "
                    "the conversation in WhatsApp Manager and replay this only if it is missing"
                )
                deliveries.do_hold(db, message.outbox_id, reason)
                raise DeliveryError(reason, permanent=True)
            deliveries.do_restart(db, message.outbox_id, utcnow())
        try:
            wamid = graph.send(sender, payload)
        except graph.GraphError as exc:
            if exc.nothing_sent:
                deliveries.do_refuse(db, message.outbox_id, exc.reason)
            raise DeliveryError(exc.reason, permanent=exc.permanent) from None
        status = deliveries.do_accept(db, message.outbox_id, wamid, "accepted")
        return DeliveryResult(wamid, _shown(status))


def _shown(status: str | None) -> str:
    if status and deliveries.RANK.get(status, 0) > deliveries.RANK["sent"]:
        return status
    return "sent"
