"""A WhatsApp channel wired to a local fake of the Graph API, and Meta's signed webhooks
(payloads shaped as in the Cloud API's webhook reference)."""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from tests.conftest import Cast
from tests.providers import Answer, FakeProvider, Request, provider_channel

from minidesk import settings
from minidesk.channels import refusals
from minidesk.channels.whatsapp.graph import signature

PHONE_NUMBER_ID = "106540352242922"
ACCESS_TOKEN = "EAAG-access-token"
APP_SECRET = "meta-app-secret-123"
VERIFY_TOKEN = "verify-me-please"
EMMA_WA = "15550000000"  # the sample shop's first customer's phone, without its "+"
TEMPLATE = {"name": "order_update", "language": "en_US", "parameters": 1}


MEDIA_DOWNLOAD = "/whatsapp-media/"


@dataclass
class Graph:
    """POST /{version}/{phone_number_id}/messages with a bearer token; and media as the
    Cloud API serves it: GET /{version}/{media-id} answers JSON with a ``url``, and that url
    (GET, same bearer token) answers the bytes."""

    sent: list[dict[str, Any]] = field(default_factory=list)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    # Media id → (bytes, mime type), what customers sent.
    media: dict[str, tuple[bytes, str]] = field(default_factory=dict)

    def __call__(self, request: Request) -> Answer:
        if request.headers.get("Authorization") != f"Bearer {ACCESS_TOKEN}":
            return Answer(
                401,
                {
                    "error": {
                        "message": "Invalid OAuth access token.",
                        "type": "OAuthException",
                        "code": 190,
                    }
                },
            )
        if request.method == "GET":
            return self._media(request)
        if request.path != f"/v21.0/{PHONE_NUMBER_ID}/messages":
            return Answer(400, {"error": {"message": "Unsupported post request", "code": 100}})
        payload = json.loads(request.body)
        assert payload["messaging_product"] == "whatsapp"
        self.sent.append(payload)
        wamid = f"wamid.OUT{next(self._ids):04d}"
        return Answer(
            200,
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": payload["to"], "wa_id": payload["to"]}],
                "messages": [{"id": wamid}],
            },
        )

    def _media(self, request: Request) -> Answer:
        media_id = request.path.rpartition("/")[2]
        found = self.media.get(media_id)
        if found is None:
            return Answer(404, {"error": {"message": "Unknown media", "code": 100}})
        if request.path.startswith(MEDIA_DOWNLOAD):
            return Answer(200, {}, content=found[0], content_type=found[1])
        host = request.headers.get("Host", "")
        return Answer(
            200,
            {
                "messaging_product": "whatsapp",
                "url": f"http://{host}{MEDIA_DOWNLOAD}{media_id}",
                "mime_type": found[1],
                "sha256": hashlib.sha256(found[0]).hexdigest(),
                "file_size": len(found[0]),
                "id": media_id,
            },
        )


@dataclass
class WhatsApp:
    client: TestClient
    channel_id: int
    fake: FakeProvider
    graph: Graph

    @property
    def hook(self) -> str:
        return f"/hooks/whatsapp/{self.channel_id}"

    def notify(self, value: dict[str, Any], secret: str = APP_SECRET) -> Response:
        body = json.dumps(
            {
                "object": "whatsapp_business_account",
                "entry": [
                    {
                        "id": "102290129340398",
                        "changes": [
                            {
                                "field": "messages",
                                "value": {
                                    "messaging_product": "whatsapp",
                                    "metadata": {
                                        "display_phone_number": "15550783881",
                                        "phone_number_id": PHONE_NUMBER_ID,
                                    },
                                    **value,
                                },
                            }
                        ],
                    }
                ],
            }
        ).encode()
        return self.client.post(
            self.hook,
            content=body,
            headers={
                "Content-Type": "application/json",
                "X-Hub-Signature-256": signature(secret, body),
            },
        )

    def message(
        self, wamid: str, kind: str = "text", sender: str = EMMA_WA, **content: Any
    ) -> Response:
        found = {"from": sender, "id": wamid, "timestamp": "1749416383", "type": kind, **content}
        return self.notify(
            {
                "contacts": [{"profile": {"name": "Emma Garcia"}, "wa_id": sender}],
                "messages": [found],
            }
        )

    def text(self, body: str, wamid: str, sender: str = EMMA_WA) -> Response:
        return self.message(wamid, "text", sender, text={"body": body})

    def status(self, wamid: str, status: str, **more: Any) -> Response:
        return self.notify(
            {
                "statuses": [
                    {
                        "id": wamid,
                        "status": status,
                        "timestamp": "1749416400",
                        "recipient_id": EMMA_WA,
                        **more,
                    }
                ]
            }
        )


@pytest.fixture
def wa(client: TestClient, cast: Cast, config: settings.Settings) -> Iterator[WhatsApp]:
    graph = Graph()
    refusals.forget()
    channel = {
        "kind": "whatsapp",
        "name": "Shop WhatsApp",
        "settings": {"phone_number_id": PHONE_NUMBER_ID, "templates": [TEMPLATE]},
        "secrets": {
            "access_token": ACCESS_TOKEN,
            "app_secret": APP_SECRET,
            "verify_token": VERIFY_TOKEN,
        },
    }
    admin = cast.olivia.headers
    with provider_channel(client, admin, config, graph, "whatsapp_api_url", channel) as made:
        yield WhatsApp(client, made[0], made[1], graph)
