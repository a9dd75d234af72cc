"""Changes of no ticket on the stream (``desk.changed``, topic ``desk``): each reaches exactly
the agents who may read the same thing through the API. The attack first: with agents
restricted to their teams, bob (agent, Billing) must not hear that a customer he does not
serve was edited, nor of the workspace's routing settings or a colleague's presence."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession
from tests.conftest import Cast, Person
from tests.desk.visibility_world import World, build, restrict
from tests.realtime.stream_client import STREAM, subscribe, until

from minidesk.realtime.audience import AUDIENCE


def _desk(socket: WebSocketTestSession, *kinds: str) -> dict[str, Any]:
    """The next desk notice of one of ``kinds`` (others: presence on connecting, and so on)."""
    while True:
        message = until(socket, type="desk.changed")
        if message["kind"] in kinds:
            return message


def _api(client: TestClient, who: Person, method: str, path: str, body: Any) -> None:
    response = client.request(method, f"/api/v1{path}", json=body, headers=who.headers)
    assert response.status_code == 200, response.text


def _rename(client: TestClient, cast: Cast, customer: int, name: str) -> None:
    _api(client, cast.olivia, "PATCH", f"/customers/{customer}", {"name": name})


def _marker(client: TestClient, cast: Cast, name: str) -> None:
    """A change every agent hears of: what comes before it has been offered to everyone."""
    _api(client, cast.olivia, "PATCH", "/workspace", {"name": name})


def test_each_desk_change_reaches_only_those_who_may_read_it(
    client: TestClient, cast: Cast
) -> None:
    world: World = build(cast)
    restrict(client, cast)
    with (
        client.websocket_connect(STREAM, headers=cast.bob.headers) as bob,
        client.websocket_connect(STREAM, headers=cast.leo.headers) as leo,
        client.websocket_connect(STREAM, headers=cast.maya.headers) as maya,
    ):
        for socket in (bob, leo, maya):
            subscribe(socket, topic="desk")
        # A Support-only customer edited: leo (Support) hears it, bob does not.
        _rename(client, cast, world.sam, "Sam Z.")
        got = _desk(leo, "customer.updated")
        assert (got["customer"], got["kind"]) == (world.sam, "customer.updated")
        # Routing's settings (managers read them) and leo's own presence (his, and managers').
        _api(client, cast.olivia, "PUT", "/routing/settings", {"accept_minutes": 7})
        _api(client, cast.leo, "PUT", "/me/presence", {"presence": "away"})
        assert _desk(maya, "routing.config_changed")["kind"] == "routing.config_changed"
        heard = _desk(maya, "routing.presence_changed")
        assert heard["user"] == cast.leo.id
        assert _desk(leo, "routing.presence_changed")["user"] == cast.leo.id
        _marker(client, cast, "Marker desk")
        # bob heard of none of it: the first customer edit he hears of is one he serves.
        _rename(client, cast, world.mia, "Mia M.")
        assert _desk(bob, "customer.updated", "routing.config_changed")["customer"] == world.mia
        _desk(leo, "workspace.updated")
        leo_heard = _desk(
            leo, "routing.config_changed", "routing.presence_changed", "customer.updated"
        )
        # leo (a lead) is no manager: his next is Mia's edit (she has a Support ticket).
        assert (leo_heard["kind"], leo_heard["customer"]) == ("customer.updated", world.mia)


def test_desk_notices_come_only_to_sockets_that_asked(client: TestClient, cast: Cast) -> None:
    with (
        client.websocket_connect(STREAM, headers=cast.olivia.headers) as olivia,
        client.websocket_connect(STREAM, headers=cast.maya.headers) as maya,
    ):
        subscribe(maya, topic="desk")
        subscribe(olivia, topic="desk")
        olivia.send_json({"op": "unsubscribe", "topic": "desk"})
        until(olivia, type="unsubscribed", topic="desk")
        _marker(client, cast, "Not for olivia")
        first = _desk(maya, "workspace.updated")
        subscribe(olivia, topic="desk")
        _marker(client, cast, "For olivia")
        second = _desk(maya, "workspace.updated")
        assert _desk(olivia, "workspace.updated")["event"] == second["event"] > first["event"]
        olivia.send_json({"op": "subscribe", "topic": "desk", "view": "all"})
        assert until(olivia, type="error")["error"] == "invalid"


def test_every_streamed_kind_is_documented() -> None:
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "realtime.md").read_text()
    assert [kind for kind in AUDIENCE if f"`{kind}`" not in text] == []
