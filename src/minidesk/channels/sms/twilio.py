"""Twilio's wire formats: the webhook signature, and the Messages resource of its REST API
(form-encoded requests with basic auth, JSON answers), reached through ``net.http`` only."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from minidesk.net import http
from minidesk.net.addresses import OutboundError
from minidesk.settings import get_settings

API_VERSION = "2010-04-01"
# Twilio's error codes that mean the recipient must not be messaged (opted out, or a
# landline/invalid number): retrying cannot help.
UNSUBSCRIBED = 21610
# What the delivery errors of status callbacks mean (Twilio's error dictionary), for agents.
ERRORS = {
    "21610": "the recipient has opted out (STOP)",
    "30003": "unreachable destination handset",
    "30004": "message blocked",
    "30005": "unknown destination handset",
    "30006": "landline or unreachable carrier",
    "30007": "filtered by the carrier as spam",
    "30008": "unknown error",
}


def describe(code: str | None) -> str:
    return ERRORS.get(code or "", "see Twilio's error dictionary")


def price_micros(value: object) -> int | None:
    """Twilio's ``price`` ("-0.00790", negative: money spent) in millionths, positive."""
    if value is None or value == "":
        return None
    try:
        return abs(round(Decimal(str(value)) * 1_000_000))
    except InvalidOperation:
        return None


def signature(auth_token: str, url: str, params: Iterable[tuple[str, str]]) -> str:
    """X-Twilio-Signature: base64 HMAC-SHA1 of the full URL followed by every POST
    parameter's name and value, sorted by name (and value, for a repeated name)."""
    data = url + "".join(name + value for name, value in sorted(params))
    digest = hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def signature_ok(auth_token: str, url: str, params: Iterable[tuple[str, str]], given: str) -> bool:
    return bool(given) and hmac.compare_digest(signature(auth_token, url, params), given)


@dataclass(frozen=True)
class Account:
    sid: str
    auth_token: str

    def messages_url(self) -> str:
        base = get_settings().twilio_api_url.rstrip("/")
        return f"{base}/{API_VERSION}/Accounts/{self.sid}/Messages.json"

    def headers(self) -> dict[str, str]:
        basic = base64.b64encode(f"{self.sid}:{self.auth_token}".encode()).decode()
        return {"Authorization": f"Basic {basic}", "Accept": "application/json"}


class TwilioError(Exception):
    """Twilio answered with an error, or could not be reached, or did not answer in time."""

    def __init__(
        self,
        reason: str,
        *,
        code: int | None,
        status: int | None,
        permanent: bool,
        nothing_sent: bool,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code
        self.status = status
        self.permanent = permanent
        # False: the request may have been taken before the line dropped (a timeout).
        self.nothing_sent = nothing_sent


def _answer(response: http.Response) -> dict[str, Any]:
    try:
        found = json.loads(response.body)
    except ValueError:
        found = {}
    if not isinstance(found, dict):
        found = {}
    if response.ok:
        return found
    code = found.get("code")
    message = found.get("message") or response.body[:200].decode(errors="replace")
    # 429 and 5xx are Twilio's own trouble; other 4xx are ours and will not change.
    temporary = response.status == 429 or response.status >= 500
    raise TwilioError(
        f"Twilio answered {response.status}"
        + (f" (error {code})" if code else "")
        + f": {message}",
        code=int(code) if isinstance(code, int) else None,
        status=response.status,
        permanent=not temporary,
        nothing_sent=True,
    )


def create_message(account: Account, values: dict[str, str]) -> dict[str, Any]:
    """POST a Message (``To``, ``From`` or ``MessagingServiceSid``, ``Body``...)."""
    body = urlencode(values).encode()
    headers = {**account.headers(), "Content-Type": "application/x-www-form-urlencoded"}
    try:
        response = http.post(account.messages_url(), body, headers)
    except OutboundError as exc:
        # A timeout may come after Twilio took the message: the caller must look before
        # trying again. A refused connection never reached it.
        unsent = exc.permanent or exc.reason.startswith("cannot connect")
        raise TwilioError(
            f"Twilio: {exc.reason}",
            code=None,
            status=None,
            permanent=exc.permanent,
            nothing_sent=unsent,
        ) from None
    return _answer(response)


def recent_messages(account: Account, to: str, sender: str) -> list[dict[str, Any]]:
    """The latest Messages from ``sender`` to ``to`` (newest first, one page)."""
    query = urlencode({"To": to, "From": sender, "PageSize": "20"})
    try:
        response = http.get(f"{account.messages_url()}?{query}", account.headers())
    except OutboundError as exc:
        raise TwilioError(
            f"Twilio: {exc.reason}", code=None, status=None, permanent=False, nothing_sent=True
        ) from None
    found = _answer(response).get("messages")
    return [m for m in found if isinstance(m, dict)] if isinstance(found, list) else []
