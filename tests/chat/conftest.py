"""A chat channel embedded on https://shop.example, and a visitor's socket through the
in-process test client."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession
from tests.conftest import Cast

SHOP = "https://shop.example"
IDENTITY_SECRET = "shop-identity-secret-0123456789"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def user_hash(identity: str, secret: str = IDENTITY_SECRET) -> str:
    """What the shop's server computes for a signed-in customer (docs/channels.md)."""
    return hmac.new(secret.encode(), identity.encode(), hashlib.sha256).hexdigest()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def make_chat(client: TestClient, cast: Cast, **settings: Any) -> int:
    body = {
        "kind": "chat",
        "name": "Shop chat",
        "settings": {"allowed_origins": [SHOP], "offline_when_no_agents": False, **settings},
        "secrets": {"identity_secret": IDENTITY_SECRET},
    }
    response = client.post("/api/v1/channels", json=body, headers=cast.olivia.headers)
    assert response.status_code == 201, response.text
    channel_id: int = response.json()["id"]
    return channel_id


@pytest.fixture
def chat(client: TestClient, cast: Cast) -> int:
    return make_chat(client, cast)


@contextmanager
def visitor(
    client: TestClient, channel: int, origin: str | None = SHOP, **hello: Any
) -> Iterator[tuple[WebSocketTestSession, dict[str, Any]]]:
    """A visitor's socket after its hello: the socket and the server's hello frame."""
    headers = {"origin": origin} if origin else {}
    with client.websocket_connect(f"/chat/ws?channel={channel}", headers=headers) as socket:
        socket.send_json({"op": "hello", **hello})
        try:
            yield socket, until(socket, type="hello")
        finally:
            _skipped.pop(id(socket), None)


# Frames read while looking for another, per socket: with immediate jobs a line is filed
# (and answered) before its ack is sent, so the frames come in either order.
_skipped: dict[int, list[dict[str, Any]]] = {}


def until(socket: WebSocketTestSession, **wanted: Any) -> dict[str, Any]:
    """The first frame (read already or next) matching every ``wanted`` field."""

    def matches(frame: dict[str, Any]) -> bool:
        return all(frame.get(key) == value for key, value in wanted.items())

    skipped = _skipped.setdefault(id(socket), [])
    for index, frame in enumerate(skipped):
        if matches(frame):
            return skipped.pop(index)
    while True:
        frame = socket.receive_json()
        if matches(frame):
            return frame
        skipped.append(frame)


def say(socket: WebSocketTestSession, client_id: str, text: str, **more: Any) -> dict[str, Any]:
    """Send a line; the ack once it is stored."""
    socket.send_json({"op": "message", "id": client_id, "text": text, **more})
    return until(socket, type="ack", id=client_id)
