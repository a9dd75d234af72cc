"""Twilio's Messages resource as documented: POST .../Accounts/{Sid}/Messages.json
(form-encoded, basic auth) answers 201 with the Message; GET lists them newest first.

And its Media resource: GET .../Messages/{MessageSid}/Media/{MediaSid} (basic auth) answers
a redirect to the file in Twilio's media storage, which serves it without credentials."""

from __future__ import annotations

import base64
import datetime as dt
import itertools
from email.utils import format_datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.providers import Answer, Request

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "twilio-auth-token-0123456789"
NUMBER = "+15005550006"


MEDIA_STORAGE = "/media-storage/"


class Twilio:
    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []
        self._sids = itertools.count(1)
        # Media sid → (bytes, content type), as Twilio keeps an MMS's media.
        self.media: dict[str, tuple[bytes, str]] = {}
        # Where the Media resource redirects to instead of its storage (a hostile hop).
        self.redirect_to: str | None = None

    def media_url(self, base: str, message_sid: str, media_sid: str) -> str:
        return f"{base}/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{message_sid}/Media/{media_sid}"

    def __call__(self, request: Request) -> Answer:
        path = urlsplit(request.path).path
        if path.startswith(MEDIA_STORAGE):  # a signed storage URL: no credentials asked
            found = self.media.get(path.removeprefix(MEDIA_STORAGE))
            if found is None:
                return Answer(404, {"message": "no such media"})
            return Answer(200, {}, content=found[0], content_type=found[1])
        expected = base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
        if request.headers.get("Authorization") != f"Basic {expected}":
            return Answer(401, {"code": 20003, "message": "Authenticate", "status": 401})
        media_prefix = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/"
        if path.startswith(media_prefix) and "/Media/" in path and request.method == "GET":
            media_sid = path.rpartition("/")[2]
            if media_sid not in self.media:
                return Answer(404, {"code": 20404, "message": "not found", "status": 404})
            host = request.headers.get("Host", "")
            target = self.redirect_to or f"http://{host}{MEDIA_STORAGE}{media_sid}"
            return Answer(307, {}, content=b"", location=target)
        return self._messages(request)

    def _messages(self, request: Request) -> Answer:
        path = urlsplit(request.path)
        if path.path != f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json":
            return Answer(404, {"code": 20404, "message": "not found", "status": 404})
        if request.method == "GET":
            query = {k: v[0] for k, v in parse_qs(path.query).items()}
            found = [
                m
                for m in reversed(self.messages)
                if m["to"] == query.get("To") and m["from"] == query.get("From")
            ]
            return Answer(200, {"messages": found, "page": 0, "page_size": 20})
        form = {k: v[0] for k, v in parse_qs(request.body.decode()).items()}
        if not form.get("To", "").startswith("+"):
            return Answer(
                400,
                {
                    "code": 21211,
                    "message": "The 'To' number is not a valid phone number.",
                    "status": 400,
                },
            )
        return Answer(201, self.record(form["To"], form.get("From", NUMBER), form["Body"]))

    def record(self, to: str, sender: str, body: str) -> dict[str, Any]:
        message = {
            "sid": f"SM{next(self._sids):032x}",
            "account_sid": ACCOUNT_SID,
            "to": to,
            "from": sender,
            "body": body,
            "status": "queued",
            "num_segments": "1" if len(body) <= 160 else "2",
            "price": None,
            "price_unit": "USD",
            "error_code": None,
            "date_created": format_datetime(dt.datetime.now(dt.UTC), usegmt=True),
            "api_version": "2010-04-01",
        }
        self.messages.append(message)
        return message
