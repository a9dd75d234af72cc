"""The signed POST every webhook leaves by, and the secrets it is signed with.

Receivers verify ``X-Minidesk-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`` with
their own secret (the UTF-8 bytes of the ``whsec_…`` string they were given): a subscription's
and a customer's are generated and stored encrypted; a rule webhook's is derived for the
receiving origin.
No receiver holds a key that signs for another, and none holds the desk's master key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from http import HTTPStatus

import httpx

from minidesk import net
from minidesk.channels.base import DeliveryError, DeliveryResult
from minidesk.keys import Purpose, subkey

SIGNATURE_HEADER = "X-Minidesk-Signature"
SECRET_PREFIX = "whsec_"
# Statuses where trying again later can succeed; any other 4xx means the receiver rejects
# this request as it is, so retrying only hammers it.
RETRYABLE_4XX = {408, 409, 425, 429}
PROVIDER_ID_CHARS = 200
# What a subscription's delivery history keeps of a receiver's answer.
RESPONSE_BODY_BYTES = 1024


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def origin(url: str) -> str:
    """``scheme://host:port`` — the receiver a rule webhook's secret belongs to."""
    parsed = httpx.URL(url)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    return f"{parsed.scheme}://{parsed.host}:{port}"


def rule_secret(url: str) -> str:
    """The secret rule webhooks to ``url``'s origin are signed with (an admin hands it to the
    receiver); it changes only with ``MINIDESK_SECRET_KEY``."""
    key = subkey(Purpose.RULE_WEBHOOK, origin(url))
    return SECRET_PREFIX + base64.urlsafe_b64encode(key).decode().rstrip("=")


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``t=<unix>,v1=<hex hmac-sha256 of "t.body">`` — the timestamp stops replays."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


@dataclass(frozen=True)
class Attempt:
    """What one signed POST came to: enough for the outbox (``result()``) and for a
    subscription's delivery history."""

    latency_ms: int
    http_status: int | None  # None: no answer (refused, unreachable, timed out)
    error: str | None  # None: delivered
    permanent: bool = False
    provider_id: str | None = None
    # The start of the receiver's answer: for the admins' delivery history only.
    response_body: bytes = b""

    @property
    def ok(self) -> bool:
        return self.error is None

    def result(self) -> DeliveryResult:
        """The outbox's view: a result, or ``DeliveryError`` (permanent or to retry)."""
        if self.error is not None:
            raise DeliveryError(self.error, permanent=self.permanent)
        return DeliveryResult(provider_id=self.provider_id)


def post_signed(url: str, body: bytes, secret: str, outbox_id: int) -> Attempt:
    """POST a JSON ``body`` signed with ``secret``; never raises for the receiver's faults.

    Errors name the status or the refusal, never the receiver's answer: an internal
    service's response must not reach the agents who read delivery errors.
    """
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(secret, str(int(time.time())), body),
        # Receivers dedupe on this: a retry after a lost response repeats it exactly.
        "Idempotency-Key": f"minidesk-outbox-{outbox_id}",
    }
    started = time.monotonic()
    try:
        response = net.post(url, body, headers)
    except net.OutboundError as exc:
        return Attempt(_ms_since(started), None, f"webhook {url}: {exc.reason}", exc.permanent)
    latency = _ms_since(started)
    answer = response.body[:RESPONSE_BODY_BYTES]
    if response.ok:
        provider_id = response.headers.get("X-Request-Id")
        provider_id = provider_id[:PROVIDER_ID_CHARS] if provider_id else None
        return Attempt(
            latency, response.status, None, provider_id=provider_id, response_body=answer
        )
    status = response.status
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "unknown status"
    reason = f"webhook {url} answered {status} {phrase}"
    if 300 <= status < 400:
        reason, permanent = f"{reason} (redirects are not followed)", True
    else:
        permanent = 400 <= status < 500 and status not in RETRYABLE_4XX
    return Attempt(latency, status, reason, permanent, response_body=answer)


def _ms_since(started: float) -> int:
    return round((time.monotonic() - started) * 1000)
