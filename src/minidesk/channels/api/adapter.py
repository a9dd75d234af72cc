"""Delivers API-channel replies to the customer's webhook, signed, or stores them for polling."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import httpx

from minidesk.channels.base import DeliveryError, DeliveryResult, OutboundMessage
from minidesk.settings import get_settings

SIGNATURE_HEADER = "X-Minidesk-Signature"
TIMEOUT = httpx.Timeout(10.0, connect=5.0)
# Statuses where trying again later can succeed; any other 4xx means the receiver rejects
# this request as it is, so retrying only hammers it.
RETRYABLE_4XX = {408, 409, 425, 429}


def sign(secret: bytes, timestamp: str, body: bytes) -> str:
    """``t=<unix>,v1=<hex hmac-sha256 of "t.body">`` — the timestamp stops replays."""
    mac = hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


class ApiAdapter:
    kind = "api"

    def send(self, message: OutboundMessage) -> DeliveryResult:
        url = message.recipient.get("webhook_url")
        if not url:
            return DeliveryResult(provider_id=None, status="stored")
        body = json.dumps(
            {
                "type": "message.created",
                "ticket_number": message.ticket_id,
                "message_id": message.message_id,
                "customer_id": message.recipient.get("customer_id"),
                "text": message.text,
                "html": message.html,
                "automated": message.automated,
            },
            separators=(",", ":"),
        ).encode()
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: sign(get_settings().secret, timestamp, body),
            # Receivers dedupe on this: a retry after a lost response repeats it exactly.
            "Idempotency-Key": f"minidesk-outbox-{message.outbox_id}",
        }
        try:
            response = httpx.post(url, content=body, headers=headers, timeout=TIMEOUT)
        except httpx.HTTPError as exc:
            raise DeliveryError(f"webhook {url}: {type(exc).__name__}: {exc}") from exc
        if response.is_success:
            return DeliveryResult(provider_id=response.headers.get("X-Request-Id"), status="sent")
        reason = f"webhook {url} answered {response.status_code}: {response.text[:200]}"
        permanent = 400 <= response.status_code < 500 and response.status_code not in RETRYABLE_4XX
        raise DeliveryError(reason, permanent=permanent)
