"""Meta's wire formats for the WhatsApp Cloud API: the webhook's ``X-Hub-Signature-256`` and
the Graph API's ``POST /{version}/{phone_number_id}/messages`` (JSON, bearer token), reached
through ``net.http`` only."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from minidesk.net import http
from minidesk.net.addresses import OutboundError
from minidesk.settings import get_settings

SIGNATURE_PREFIX = "sha256="
# Graph error codes that go away by themselves: throttling, WhatsApp's own trouble.
TEMPORARY = frozenset({1, 2, 4, 17, 80007, 130429, 131000, 131016, 131048, 131056})
REENGAGEMENT = 131047  # more than 24 hours since the customer wrote: template only


def signature(app_secret: str, body: bytes) -> str:
    return SIGNATURE_PREFIX + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def signature_ok(app_secret: str, body: bytes, given: str) -> bool:
    return bool(given) and hmac.compare_digest(signature(app_secret, body), given)


@dataclass(frozen=True)
class Sender:
    phone_number_id: str
    access_token: str

    def url(self) -> str:
        settings = get_settings()
        base = settings.whatsapp_api_url.rstrip("/")
        return f"{base}/{settings.whatsapp_api_version}/{self.phone_number_id}/messages"


class GraphError(Exception):
    def __init__(
        self, reason: str, *, code: int | None, permanent: bool, nothing_sent: bool
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code
        self.permanent = permanent
        # False: the request may have been taken before the line dropped (a timeout).
        self.nothing_sent = nothing_sent


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def send(sender: Sender, payload: dict[str, Any]) -> str:
    """Send one message; returns its ``wamid``. Raises ``GraphError``."""
    body = json.dumps({"messaging_product": "whatsapp", **payload}).encode()
    headers = {
        "Authorization": f"Bearer {sender.access_token}",
        "Content-Type": "application/json",
    }
    try:
        response = http.post(sender.url(), body, headers)
    except OutboundError as exc:
        unsent = exc.permanent or exc.reason.startswith("cannot connect")
        raise GraphError(
            f"WhatsApp: {exc.reason}", code=None, permanent=exc.permanent, nothing_sent=unsent
        ) from None
    try:
        answer = json.loads(response.body)
    except ValueError:
        answer = {}
    answer = answer if isinstance(answer, dict) else {}
    if response.ok:
        messages = answer.get("messages") or [{}]
        wamid = messages[0].get("id") if isinstance(messages[0], dict) else None
        if not wamid:
            raise GraphError(
                "WhatsApp answered without a message id",
                code=None,
                permanent=False,
                nothing_sent=False,
            )
        return str(wamid)
    error = _dict(answer.get("error"))
    code = error.get("code") if isinstance(error.get("code"), int) else None
    detail = _dict(error.get("error_data")).get("details")
    message = detail or error.get("message") or response.body[:200].decode(errors="replace")
    temporary = (
        response.status >= 500
        or response.status == 429
        or code in TEMPORARY
        # An expired or revoked token: the reply waits while an admin enters a new one.
        or response.status == 401
        or code == 190
    )
    raise GraphError(
        f"WhatsApp answered {response.status}"
        + (f" (error {code})" if code else "")
        + f": {message}",
        code=code,
        permanent=not temporary,
        nothing_sent=True,
    )
