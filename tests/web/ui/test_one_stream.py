"""One realtime client per page: a ticket page (timeline, collision, order panel) and the
inbox open exactly one WebSocket between them all, and a page whose socket the server drops
reconnects with back-off and catches up what happened while it was away, unless it was
signed out (4401), which it says and does not retry."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from fastapi import WebSocket
from playwright.sync_api import expect
from tests.conftest import Cast
from tests.web.ui.test_browser import _password, _sign_in
from tests.web.ui.test_live_inbox import _inbound, _live

from minidesk.realtime import connection
from minidesk.realtime.hub import Hub

pytestmark = pytest.mark.slow
TRY_AGAIN_LATER = 1013


def test_a_ticket_page_opens_one_socket_and_shows_each_new_message_once(
    page: Any, live_server: str, cast: Cast
) -> None:
    number = _inbound(live_server, cast, "Where is my parcel?", "o-1", "emma@example.com")
    _password(cast.alice.email)
    _sign_in(page, live_server, cast.alice.email)
    _live(page)  # the inbox's own socket, opened before we start counting
    sockets: list[str] = []
    page.on("websocket", lambda socket: sockets.append(socket.url))
    page.goto(f"{live_server}/tickets/{number}")
    _live(page)
    page.wait_for_selector('[data-ticket-page][data-live="on"]')  # the order panel's part too

    _inbound(live_server, cast, "It was due on Monday", "o-2", "emma@example.com")
    page.get_by_text("It was due on Monday").wait_for()
    expect(page.locator(".conversation li", has_text="It was due on Monday")).to_have_count(1)
    assert sockets == [f"{live_server.replace('http', 'ws')}/api/v1/stream"]

    page.goto(f"{live_server}/inbox")
    _live(page)
    assert len(sockets) == 2  # one more for the new page, not two


class Gate:
    """The stream's door, held shut while the test needs the page to be away; it also
    remembers the server's loop and hub, which only the server's thread may touch."""

    def __init__(self, serve: Callable[[Hub, WebSocket], Awaitable[None]]) -> None:
        self.serve = serve
        self.shut = False
        self.loop: asyncio.AbstractEventLoop | None = None
        self.hub: Hub | None = None

    async def __call__(self, hub: Hub, websocket: WebSocket) -> None:
        self.loop, self.hub = asyncio.get_running_loop(), hub
        if self.shut:
            await websocket.close(TRY_AGAIN_LATER)
            return
        await self.serve(hub, websocket)

    def drop_everyone(self, code: int = connection.CloseCode.GOING_AWAY) -> None:
        """What a restarting server does: every socket closed with 1001 (going away)."""
        assert self.loop is not None and self.hub is not None
        hub = self.hub

        def drop() -> None:
            for each in list(hub.connections):
                each.end(code, "server restarting")

        self.loop.call_soon_threadsafe(drop)


def test_a_dropped_page_reconnects_and_catches_up_what_it_missed(
    page: Any, live_server: str, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = Gate(connection.serve)
    monkeypatch.setattr(connection, "serve", gate)
    number = _inbound(live_server, cast, "My kettle leaks", "r-1", "zoe@example.com")
    _password(cast.alice.email)
    _sign_in(page, live_server, cast.alice.email)
    page.goto(f"{live_server}/tickets/{number}")
    _live(page)
    page.evaluate("window.sameDocument = true")

    gate.shut = True
    gate.drop_everyone()
    page.locator("html[data-live=disconnected]").wait_for(state="attached")
    # Said while the page was away: no notice of it will ever reach this page.
    _inbound(live_server, cast, "Also the lid is cracked", "r-2", "zoe@example.com")
    assert page.get_by_text("Also the lid is cracked").count() == 0

    gate.shut = False
    _live(page)  # back, by itself
    page.get_by_text("Also the lid is cracked").wait_for(timeout=20_000)
    assert page.evaluate("window.sameDocument") is True  # caught up without a reload
    assert page.locator('[data-ticket-page][data-live="on"]').count() == 1


def test_a_dropped_inbox_catches_up_new_and_changed_tickets(
    page: Any, live_server: str, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = Gate(connection.serve)
    monkeypatch.setattr(connection, "serve", gate)
    first = _inbound(live_server, cast, "My kettle leaks", "i-1", "zoe@example.com")
    _password(cast.alice.email)
    _sign_in(page, live_server, cast.alice.email)
    page.goto(f"{live_server}/inbox?view=open")
    _live(page)
    page.evaluate("window.sameDocument = true")

    gate.shut = True
    gate.drop_everyone()
    page.locator("html[data-live=disconnected]").wait_for(state="attached")
    second = _inbound(live_server, cast, "Where is my parcel?", "i-2", "emma@example.com")
    changed = httpx.patch(
        f"{live_server}/api/v1/tickets/{first}",
        json={"priority": "P1"},
        headers=cast.olivia.headers,
    )
    assert changed.status_code == 200, changed.text

    gate.shut = False
    _live(page)
    page.locator(f'tr[data-ticket="{second}"]').wait_for(timeout=20_000)
    expect(page.locator(f'tr[data-ticket="{first}"]')).to_contain_text("P1")
    expect(page.locator('[data-count="open"]')).to_have_text("2")
    assert page.evaluate("window.sameDocument") is True


def test_a_signed_out_page_says_so_and_stops_asking(
    page: Any, live_server: str, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = Gate(connection.serve)
    monkeypatch.setattr(connection, "serve", gate)
    number = _inbound(live_server, cast, "My kettle leaks", "u-1", "zoe@example.com")
    _password(cast.alice.email)
    _sign_in(page, live_server, cast.alice.email)
    page.goto(f"{live_server}/tickets/{number}")
    _live(page)
    sockets: list[str] = []
    page.on("websocket", lambda socket: sockets.append(socket.url))

    gate.drop_everyone(connection.CloseCode.UNAUTHENTICATED)  # as when the session is revoked
    expect(page.locator("#live-status")).to_have_text(
        "Live updates stopped: your session ended. Reload to sign in again."
    )
    page.wait_for_selector('[data-ticket-page][data-live="off"]')
    # A retry would have come within a second; a 4401 is not retried at all.
    page.wait_for_timeout(1500)
    assert sockets == []
