"""Presence from the workspace stream: connected means online for routing (so the queue
comes to the agent), leaving means offline, and an agent's own "away" stands."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient
from tests.conftest import Cast, Person
from tests.routing.world import V1, assignee, enable, new_ticket


def _presence(client: TestClient, who: Person) -> str:
    return str(client.get(f"{V1}/me/presence", headers=who.headers).json()["presence"])


def _settles_on(client: TestClient, who: Person, wanted: str) -> str:
    """The presence once the server has handled the socket's close, which it does on its
    own thread after the client's side is gone: well under a second when idle, but a loaded
    machine can starve that thread, so the wait is generous (it ends as soon as it settles)."""
    deadline = time.monotonic() + 30
    while (seen := _presence(client, who)) != wanted and time.monotonic() < deadline:
        time.sleep(0.05)
    return seen


def test_a_connected_stream_makes_the_agent_online_until_it_closes(
    client: TestClient, cast: Cast
) -> None:
    enable(client, cast)
    waiting = new_ticket(cast)
    assert assignee(waiting) is None
    with client.websocket_connect(f"{V1}/stream", headers=cast.alice.headers) as socket:
        assert socket.receive_json()["type"] == "hello"
        socket.send_json({"op": "ping"})
        assert socket.receive_json()["type"] == "pong"  # joined by now, presence recorded
        assert _presence(client, cast.alice) == "online"
        assert assignee(new_ticket(cast)) == cast.alice.id
    # Coming online took the queued ticket; closing the stream took her offline.
    assert assignee(waiting) == cast.alice.id
    assert _settles_on(client, cast.alice, "offline") == "offline"


def test_away_stands_while_the_stream_is_connected(client: TestClient, cast: Cast) -> None:
    enable(client, cast)
    client.put(
        f"{V1}/me/presence", json={"presence": "away"}, headers=cast.alice.headers
    ).raise_for_status()
    with client.websocket_connect(f"{V1}/stream", headers=cast.alice.headers) as socket:
        assert socket.receive_json()["type"] == "hello"
        socket.send_json({"op": "ping"})
        assert socket.receive_json()["type"] == "pong"
        assert _presence(client, cast.alice) == "away"
        assert assignee(new_ticket(cast)) is None
