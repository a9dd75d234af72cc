"""The chat widget in a real browser, embedded cross-origin on a shop's page: the visitor
introduces themselves, asks, the bot answers, and a reload brings the conversation back."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from tests.conftest import Cast

pytestmark = pytest.mark.slow


@pytest.fixture
def shop_page(live_server: str, cast: Cast) -> Iterator[str]:
    """A page on another origin (the shop's site) that embeds the desk's widget."""

    class Page(http.server.BaseHTTPRequestHandler):
        channel = 0

        def do_GET(self) -> None:
            body = (
                "<!doctype html><html lang='en'><head><title>Shop</title></head><body>"
                "<main><h1>The shop</h1></main>"
                f"<script src='{live_server}/widget.js' data-channel='{Page.channel}' async>"
                "</script></body></html>"
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    Page.channel = _chat_channel(live_server, origin, cast)
    yield origin
    server.shutdown()


def _chat_channel(base: str, origin: str, cast: Cast) -> int:
    created = httpx.post(
        f"{base}/api/v1/channels",
        json={
            "kind": "chat",
            "name": "Shop chat",
            "settings": {"allowed_origins": [origin], "offline_when_no_agents": False},
        },
        headers=cast.olivia.headers,
    )
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


def test_a_visitor_chats_with_the_bot_and_a_reload_keeps_the_history(
    shop_page: str, page: Any
) -> None:
    page.goto(f"{shop_page}/")
    page.get_by_role("button", name="Chat with us").click()
    dialog = page.get_by_role("dialog", name="Shop chat")
    dialog.get_by_label("Your name").fill("Emma")
    dialog.get_by_label("Your email").fill("emma@example.com")
    dialog.get_by_role("button", name="Start chat").click()
    dialog.get_by_role("textbox", name="Message", exact=True).fill(
        "Hello <b>there</b>, do you ship to Canada?"
    )
    dialog.get_by_role("textbox", name="Message", exact=True).press("Enter")
    log = dialog.get_by_role("log")
    mine = log.locator(".mdc-v")
    bot = log.locator(".mdc-a")
    # Text stays text: the markup is shown, not rendered.
    assert "Hello <b>there</b>, do you ship to Canada?" in mine.first.inner_text()
    bot.first.wait_for()
    assert "Assistant" in bot.first.inner_text()
    assert mine.first.locator("b").count() == 0
    serious = [
        f"{v['id']}: {v['help']}"
        for v in Axe().run(page).response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    page.reload()
    page.get_by_role("button", name="Chat with us").click()
    log = page.get_by_role("dialog", name="Shop chat").get_by_role("log")
    log.locator(".mdc-a").first.wait_for()
    assert "do you ship to Canada?" in log.locator(".mdc-v").first.inner_text()
    assert log.locator(".mdc-v").count() == 1  # replayed once, not twice
