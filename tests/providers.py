"""A real HTTP server on 127.0.0.1 that tests make speak a provider's API (Twilio's REST API,
Meta's Graph API), and the settings that let the desk's outbound HTTP reach it."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from fastapi.testclient import TestClient

from minidesk import settings

PUBLIC_URL = "https://desk.example"


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Answer:
    status: int
    body: dict[str, Any]
    # Raw bytes instead of the JSON ``body`` (a media download), with their own type.
    content: bytes | None = None
    content_type: str = "application/octet-stream"
    location: str | None = None  # a redirect's Location header


Handler = Callable[[Request], Answer]


@dataclass
class FakeProvider:
    url: str
    handle: Handler
    requests: list[Request] = field(default_factory=list)
    # Statuses to answer (with an error body) before the handler runs again: an outage.
    outage: list[int] = field(default_factory=list)

    def posts(self) -> list[Request]:
        return [r for r in self.requests if r.method == "POST"]


@contextmanager
def serve(handle: Handler) -> Iterator[FakeProvider]:
    fake = FakeProvider("", handle)

    class _Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            request = Request(
                self.command, self.path, dict(self.headers.items()), self.rfile.read(length)
            )
            fake.requests.append(request)
            if fake.outage:
                answer = Answer(fake.outage.pop(0), {"code": 20500, "message": "outage"})
            else:
                answer = fake.handle(request)
            if answer.content is not None:
                data, content_type = answer.content, answer.content_type
            else:
                data, content_type = json.dumps(answer.body).encode(), "application/json"
            self.send_response(answer.status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            if answer.location is not None:
                self.send_header("Location", answer.location)
            self.end_headers()
            self.wfile.write(data)

        do_GET = _serve
        do_POST = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()


def reach(config: settings.Settings, **urls: str) -> settings.Settings:
    """``config`` allowed to call the fakes on 127.0.0.1 over http, with the public URL
    providers sign."""
    return settings.configure(
        config.model_copy(
            update={
                "outbound_allow": "127.0.0.1/32",
                "outbound_allow_http": True,
                "public_url": PUBLIC_URL,
                **urls,
            }
        )
    )


@contextmanager
def provider_channel(
    client: TestClient,
    admin: dict[str, str],
    config: settings.Settings,
    handle: Handler,
    api_setting: str,
    channel: dict[str, Any],
) -> Iterator[tuple[int, FakeProvider]]:
    """The fake provider served, the desk told to reach it (``api_setting``: the setting naming
    the provider's API address), and a ``channel`` of it created by ``admin``."""
    with serve(handle) as fake:
        reach(config, **{api_setting: fake.url})
        response = client.post("/api/v1/channels", headers=admin, json=channel)
        assert response.status_code == 201, response.text
        yield response.json()["id"], fake
