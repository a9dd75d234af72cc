"""Twilio's Messages resource as documented: POST .../Accounts/{Sid}/Messages.json
(form-encoded, basic auth) answers 201 with the Message; GET lists them newest first."""

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


class Twilio:
    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []
        self._sids = itertools.count(1)

    def __call__(self, request: Request) -> Answer:
        expected = base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
        if request.headers.get("Authorization") != f"Basic {expected}":
            return Answer(401, {"code": 20003, "message": "Authenticate", "status": 401})
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
