"""The workspace's pages sign their stream in with the session cookie, but only from the desk's
own origin: another site's page must not ride a signed-in agent's cookie (cross-site WebSocket
hijacking)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect
from tests.conftest import Cast
from tests.realtime.stream_client import STREAM, until
from tests.web.ui.test_sessions import _set_password, sign_in

from minidesk.realtime import connection
from minidesk.realtime.connection import CloseCode


@pytest.fixture
def signed_in(client: TestClient, cast: Cast) -> TestClient:
    _set_password(cast.alice.email)
    assert sign_in(client, cast.alice.email).status_code == 303
    return client


def test_the_cookie_signs_in_a_socket_opened_by_the_desks_own_page(
    signed_in: TestClient, cast: Cast
) -> None:
    with signed_in.websocket_connect(STREAM, headers={"Origin": "http://testserver"}) as socket:
        assert until(socket, type="hello")["user"] == cast.alice.id


@pytest.mark.parametrize(
    "origin",
    [None, "https://evil.example", "http://testserver.evil.example", "null"],
)
def test_the_cookie_alone_is_refused_from_another_origin(
    signed_in: TestClient, origin: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(connection, "AUTH_SECONDS", 0.2)  # the wait for a first-message token
    headers = {"Origin": origin} if origin else {}
    with (
        signed_in.websocket_connect(STREAM, headers=headers) as socket,
        pytest.raises(WebSocketDisconnect) as closed,
    ):
        socket.receive_json()
    assert (closed.value.code, closed.value.reason) == (
        CloseCode.UNAUTHENTICATED,
        "send an API token",
    )
