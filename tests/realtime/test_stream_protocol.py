"""Signing in three ways, closing on a revoked or expired token, ops and their answers,
presence, and a slow client dropped without holding up anyone else."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect
from tests.conftest import Cast
from tests.realtime.stream_client import STREAM, presence_of, subscribe, until

from minidesk import db
from minidesk.desk import users
from minidesk.desk.access import Viewer
from minidesk.desk.models import Role, User
from minidesk.events import SYSTEM
from minidesk.realtime import connection
from minidesk.realtime.brokers import InProcess
from minidesk.realtime.connection import QUEUE_LIMIT, CloseCode, Connection
from minidesk.realtime.hub import Hub
from minidesk.realtime.scope import Agent


def test_a_token_in_the_header_the_subprotocol_or_the_first_message(
    client: TestClient, cast: Cast
) -> None:
    with client.websocket_connect(STREAM, headers=cast.alice.headers) as socket:
        assert until(socket, type="hello")["user"] == cast.alice.id
    offered = ["minidesk.v1", f"minidesk.bearer.{cast.alice.token}"]
    with client.websocket_connect(STREAM, subprotocols=offered) as socket:
        assert socket.accepted_subprotocol == "minidesk.v1"  # never the token echoed back
        assert until(socket, type="hello")["user"] == cast.alice.id
    with client.websocket_connect(STREAM) as socket:
        socket.send_json({"op": "auth", "token": cast.alice.token})
        assert until(socket, type="hello")["user"] == cast.alice.id


@pytest.mark.parametrize(
    ("first", "reason"),
    [
        ({"op": "auth", "token": "mdk_not-a-token"}, "token not valid"),
        ({"op": "subscribe", "view": "all"}, "send an API token"),
    ],
)
def test_no_valid_token_closes_with_4401(
    client: TestClient, first: dict[str, Any], reason: str
) -> None:
    with client.websocket_connect(STREAM) as socket:
        socket.send_json(first)
        with pytest.raises(WebSocketDisconnect) as closed:
            socket.receive_json()
    assert (closed.value.code, closed.value.reason) == (CloseCode.UNAUTHENTICATED, reason)


def test_revoking_the_token_closes_its_socket(
    client: TestClient, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(connection, "REVALIDATE_SECONDS", 0.1)
    with client.websocket_connect(STREAM, headers=cast.alice.headers) as socket:
        until(socket, type="hello")
        token_id = client.get("/api/v1/auth/tokens", headers=cast.alice.headers).json()
        deleted = client.delete(
            f"/api/v1/auth/tokens/{token_id['items'][0]['id']}", headers=cast.alice.headers
        )
        assert deleted.status_code == 204
        with pytest.raises(WebSocketDisconnect) as closed:
            until(socket, type="never")
    assert (closed.value.code, closed.value.reason) == (4401, "token not valid")


LIFETIME = 3


def test_an_expiring_token_closes_its_socket_when_it_expires(
    client: TestClient, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The periodic check is pushed far past the expiry, so a close well before it can only
    # be the one timed for the expiry; the bound leaves a loaded CI machine its slack.
    monkeypatch.setattr(connection, "REVALIDATE_SECONDS", 60.0)
    with db.get_db().transaction() as session:
        alice = session.get_one(User, cast.alice.id)
        _, secret = users.do_create_token(
            session, alice, SYSTEM, "short", lifetime=dt.timedelta(seconds=LIFETIME)
        )
    started = time.monotonic()
    headers = {"Authorization": f"Bearer {secret}"}
    with (
        client.websocket_connect(STREAM, headers=headers) as socket,
        pytest.raises(WebSocketDisconnect) as closed,
    ):
        until(socket, type="never")  # hello (unless the machine is slower than LIFETIME)
    assert time.monotonic() - started < 30
    assert (closed.value.code, closed.value.reason) == (4401, "token expired")


def test_ops_are_answered_and_bad_ones_named(client: TestClient, cast: Cast) -> None:
    with client.websocket_connect(STREAM, headers=cast.alice.headers) as socket:
        socket.send_json({"op": "ping"})
        assert until(socket, type="pong")["time"] > 0
        for bad in (
            {"op": "subscribe", "view": "team:x"},
            {"op": "subscribe"},
            {"op": "typing", "ticket": 2**40},
            {"op": "dance"},
        ):
            socket.send_json(bad)
            assert until(socket, type="error")["error"] == "invalid"
        socket.send_text("not json")
        assert until(socket, type="error")["error"] == "invalid"
        assert subscribe(socket, view="my-open") == {"type": "subscribed", "view": "my-open"}
        socket.send_json({"op": "unsubscribe", "view": "my-open"})
        assert until(socket, type="unsubscribed") == {"type": "unsubscribed", "view": "my-open"}


def test_colleagues_see_who_comes_online_and_goes(client: TestClient, cast: Cast) -> None:
    with client.websocket_connect(STREAM, headers=cast.bob.headers) as bob:
        until(bob, type="hello")
        with client.websocket_connect(STREAM, headers=cast.alice.headers) as alice:
            hello = until(alice, type="hello")
            assert {"user": cast.bob.id, "name": "Bob"} in hello["online"]
            assert presence_of(bob, cast.alice.id) == {
                "user": cast.alice.id,
                "name": "Alice",
                "online": True,
            }
        assert presence_of(bob, cast.alice.id)["online"] is False


class _Socket:
    """A client at the other end of the network: reads nothing, or reads all it gets."""

    def __init__(self, *, stuck: bool) -> None:
        self.stuck = stuck
        self.got: list[str] = []
        self.closed: tuple[int, str] | None = None

    async def send_text(self, text: str) -> None:
        if self.stuck:
            await asyncio.Event().wait()  # its TCP window is full for good
        self.got.append(text)

    async def iter_text(self) -> Any:
        await asyncio.Event().wait()
        yield ""

    async def close(self, code: int, reason: str) -> None:
        if self.stuck:
            await asyncio.Event().wait()  # nor does it read the close frame
        self.closed = (code, reason)


def test_a_slow_client_is_dropped_and_nobody_else_waits() -> None:
    async def scenario() -> tuple[_Socket, _Socket, float]:
        hub = Hub(InProcess())
        agent = Agent(Viewer(1, Role.AGENT, frozenset()), "Alice", None)
        slow, fast = _Socket(stuck=True), _Socket(stuck=False)
        sockets = [Connection(hub, s, agent, "secret") for s in (slow, fast)]  # type: ignore[arg-type]
        runs = [asyncio.create_task(s.run()) for s in sockets]
        await asyncio.sleep(0)
        for n in range(QUEUE_LIMIT * 2):
            for socket in sockets:
                socket.offer(f'{{"n":{n}}}')
            await asyncio.sleep(0)  # as the hub does between notices
        started = time.monotonic()
        await asyncio.wait_for(runs[0], 20)
        waited = time.monotonic() - started
        runs[1].cancel()
        return slow, fast, waited

    slow, fast, waited = asyncio.run(scenario())
    assert len(fast.got) == QUEUE_LIMIT * 2
    assert slow.got == []
    assert waited < 10  # closing does not wait on a client that reads nothing (else: forever)
