"""Helpers for talking to ``/api/v1/stream`` through the in-process test client."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession
from tests.conftest import Person

STREAM = "/api/v1/stream"


def until(socket: WebSocketTestSession, **wanted: Any) -> dict[str, Any]:
    """The next message matching every ``wanted`` field, skipping others (presence, acks)."""
    while True:
        message: dict[str, Any] = socket.receive_json()
        if all(message.get(key) == value for key, value in wanted.items()):
            return message


def presence_of(socket: WebSocketTestSession, user: int) -> dict[str, Any]:
    """The next presence change about ``user`` (``{"user", "name", "online"}``)."""
    while True:
        message: dict[str, Any] = socket.receive_json()
        if message.get("type") == "presence":
            for change in message["users"]:
                if change["user"] == user:
                    return change


def next_about_tickets(socket: WebSocketTestSession) -> dict[str, Any]:
    """The next message that is about a ticket (presence comes and goes meanwhile)."""
    while True:
        message: dict[str, Any] = socket.receive_json()
        if "ticket" in message:
            return message


def subscribe(socket: WebSocketTestSession, **what: Any) -> dict[str, Any]:
    socket.send_json({"op": "subscribe", **what})
    return until(socket, **({"type": "subscribed"} | what))


def patch(client: TestClient, who: Person, number: int, **changes: Any) -> None:
    response = client.patch(f"/api/v1/tickets/{number}", json=changes, headers=who.headers)
    assert response.status_code == 200, response.text
