"""The help widget and the chat widget's article suggestions in a real browser, embedded on a
shop's page of another origin: page rules and typing suggest articles, an article opens in
place, "this answered my question" and a chat started afterwards are counted for deflection,
internal articles never show, and a site nobody allowed gets nothing."""

from __future__ import annotations

import http.server
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from tests.conftest import Cast

pytestmark = pytest.mark.slow
KB = "/api/v1/kb"


class Shop:
    """A shop's site on its own origin; each page embeds what ``scripts`` says."""

    def __init__(self, desk: str) -> None:
        self.desk = desk
        self.scripts = ""
        self.strict = True
        shop = self

        class Page(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = (
                    "<!doctype html><html lang='en'><head><title>Shop</title></head><body>"
                    f"<main><h1>Checkout</h1></main>{shop.scripts}</body></html>"
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                if shop.strict:  # no inline script or style: the help widget needs none
                    self.send_header(
                        "Content-Security-Policy",
                        f"default-src 'self'; script-src 'self' {desk}; style-src 'self' {desk};"
                        f" connect-src 'self' {desk}; img-src 'self' {desk};"
                        " frame-src https://www.youtube-nocookie.com",
                    )
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def embed(self, help_widget: bool = True, chat_channel: int | None = None) -> None:
        parts = []
        if help_widget:
            parts.append(f"<script src='{self.desk}/help-widget.js' async></script>")
        if chat_channel is not None:
            self.strict = False  # the chat widget inserts its own <style>
            parts.append(
                f"<script src='{self.desk}/widget.js' data-channel='{chat_channel}' async></script>"
            )
        self.scripts = "".join(parts)


@pytest.fixture
def shop(live_server: str) -> Iterator[Shop]:
    site = Shop(live_server)
    yield site
    site.server.shutdown()


def _api(base: str, cast: Cast) -> Callable[..., Any]:
    def call(method: str, path: str, **body: Any) -> Any:
        sent = httpx.request(method, f"{base}{path}", json=body, headers=cast.olivia.headers)
        assert sent.status_code < 300, sent.text
        return sent.json() if sent.content else None

    return call


def _articles(base: str, cast: Cast) -> dict[str, int]:
    api = _api(base, cast)
    made = {}
    for title, body, extra in [
        ("Paying with a gift card", "Enter the code of the card at checkout.\n\nNo expiry.", {}),
        ("Gift wrapping", "We wrap any order for 3 EUR.", {}),
        ("Gift card fraud checks", "Agents: the override code is 4471.",
         {"visibility": "internal"}),
    ]:  # fmt: skip
        made[title] = api("POST", f"{KB}/articles", title=title, body=body, status="published",
                          **extra)["id"]  # fmt: skip
    api(
        "POST", f"{KB}/page-rules", pattern="/checkout*", article_id=made["Paying with a gift card"]
    )
    return made


def _one_pixel_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1x1, 8-bit RGB
    pixels = zlib.compress(b"\x00\x1f\x4f\xd1")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _widget_figures(base: str, cast: Cast, article_id: int, want: tuple[int, int, int]) -> None:
    """Wait (events are sent without blocking the visitor) until analytics show ``want``."""
    deadline = time.monotonic() + 10
    seen: tuple[int, int, int] | None = None
    while time.monotonic() < deadline:
        rows = httpx.get(f"{base}{KB}/analytics", headers=cast.olivia.headers).json()["articles"]
        row = next((r for r in rows if r["article_id"] == article_id), None)
        if row is not None:
            seen = (row["widget_opened"], row["widget_answered"], row["widget_deflected"])
            if seen == want:
                return
        time.sleep(0.2)
    raise AssertionError(f"widget figures {seen}, want {want}")


def test_a_visitor_finds_reads_and_is_answered_by_an_article(
    shop: Shop, live_server: str, cast: Cast, page: Any
) -> None:
    made = _articles(live_server, cast)
    api = _api(live_server, cast)
    api("PUT", f"{KB}/widget", allowed_origins=[shop.origin])
    pay = made["Paying with a gift card"]
    upload = {"file": ("card.png", _one_pixel_png(), "image/png")}
    picture = httpx.post(
        f"{live_server}{KB}/articles/{pay}/files", headers=cast.olivia.headers, files=upload
    ).json()
    api("PATCH", f"{KB}/articles/{pay}",
        body=f"Enter the code of the card at checkout.\n\n{picture['markdown']}")  # fmt: skip
    shop.embed()
    page.goto(f"{shop.origin}/checkout/payment")
    launcher = page.get_by_role("button", name="Help", exact=True)
    launcher.click()
    dialog = page.get_by_role("dialog", name="Help")
    articles = dialog.get_by_role("list", name="Suggested articles")
    # The page rule's article, before anything is typed.
    articles.get_by_role("button", name="Paying with a gift card").wait_for()
    assert articles.get_by_role("button").count() == 1

    search = dialog.get_by_label("Search our help articles")
    assert search.evaluate("n => n === document.activeElement")
    search.fill("gift")
    typed = dialog.get_by_role("list", name="Articles for “gift”")
    typed.get_by_role("button", name="Gift wrapping").wait_for()
    titles = typed.get_by_role("button").all_inner_texts()
    assert "Gift card fraud checks" not in titles  # internal: never on the shop's site
    assert "4471" not in page.content()

    # Keyboard only: Tab to the article, Enter opens it in place.
    typed.get_by_role("button", name="Paying with a gift card").focus()
    page.keyboard.press("Enter")
    article = dialog.get_by_role("article", name="Paying with a gift card")
    article.wait_for()
    assert "Enter the code of the card at checkout." in article.inner_text()
    # The article's picture comes from the desk (not the shop's origin) and loads there.
    image = article.get_by_role("img", name="card.png")
    assert image.get_attribute("src") == f"{live_server}/help/files/{picture['id']}"
    page.wait_for_function("n => n.complete && n.naturalWidth === 1", arg=image.element_handle())
    serious = [
        f"{v['id']}: {v['help']}"
        for v in Axe().run(page).response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious
    article.get_by_role("button", name="This answered my question").click()
    article.get_by_text("Thanks! Glad it helped.").wait_for()
    _widget_figures(live_server, cast, made["Paying with a gift card"], (1, 1, 1))

    page.keyboard.press("Escape")  # back to the list, focus on the article read
    assert typed.get_by_role("button", name="Paying with a gift card").evaluate(
        "n => n === document.activeElement"
    )
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert launcher.get_attribute("aria-expanded") == "false"
    assert launcher.evaluate("n => n === document.activeElement")


def test_a_site_nobody_allowed_gets_no_articles(
    shop: Shop, live_server: str, cast: Cast, page: Any
) -> None:
    _articles(live_server, cast)
    _api(live_server, cast)("PUT", f"{KB}/widget", allowed_origins=["https://shop.example"])
    # The page has an article: from an allowed site, it would be suggested.
    allowed = httpx.get(f"{live_server}{KB}/suggest", params={"url": f"{shop.origin}/checkout"},
                        headers={"Origin": "https://shop.example"})  # fmt: skip
    assert [i["title"] for i in allowed.json()["items"]] == ["Paying with a gift card"]
    shop.embed()
    page.goto(f"{shop.origin}/checkout")
    page.get_by_role("button", name="Help", exact=True).click()
    dialog = page.get_by_role("dialog", name="Help")
    # The widget has its (refused) answer once it says how many articles it has.
    # A function, not a bare expression: Playwright polls a bare expression with the page's
    # own eval, which this page's Content-Security-Policy refuses (whenever the first look
    # is too early to pass).
    page.wait_for_function(
        "() => document.querySelector('.mdh-p [role=status]').textContent !== ''"
    )
    assert dialog.get_by_role("status").inner_text() == "0 articles"
    assert dialog.get_by_role("list", name="Suggested articles").get_by_role("button").count() == 0


def test_the_chat_widget_suggests_articles_and_a_chat_after_reading_is_not_deflection(
    shop: Shop, live_server: str, cast: Cast, page: Any
) -> None:
    made = _articles(live_server, cast)
    channel = _api(live_server, cast)(
        "POST", "/api/v1/channels", kind="chat", name="Shop chat",
        settings={"allowed_origins": [shop.origin], "offline_when_no_agents": False},
    )["id"]  # fmt: skip
    shop.embed(help_widget=True, chat_channel=channel)  # a chat widget's site: no second list
    page.goto(f"{shop.origin}/checkout")
    page.get_by_role("button", name="Chat with us").click()
    chat = page.get_by_role("dialog", name="Shop chat")
    helpful = chat.get_by_role("region", name="Articles that may help")
    helpful.get_by_role("link", name="Paying with a gift card").wait_for()
    chat.get_by_label("Your name").fill("Emma")
    chat.get_by_role("button", name="Start chat").click()
    message = chat.get_by_role("textbox", name="Message", exact=True)
    message.fill("Can you gift wrap my order?")
    helpful.get_by_role("link", name="Gift wrapping").wait_for()
    assert "Gift card fraud checks" not in helpful.inner_text()
    # With the help widget on the page, the article opens there, in place.
    helpful.get_by_role("link", name="Gift wrapping").click()
    help_dialog = page.get_by_role("dialog", name="Help")
    help_dialog.get_by_role("article", name="Gift wrapping").wait_for()
    _widget_figures(live_server, cast, made["Gift wrapping"], (1, 0, 1))
    # Still writing to us after reading it: not deflected.
    message.press("Enter")
    chat.get_by_role("log").locator(".mdc-v").first.wait_for()
    _widget_figures(live_server, cast, made["Gift wrapping"], (1, 0, 0))


def test_with_storage_off_a_search_typed_on_is_still_one_search(
    shop: Shop, live_server: str, cast: Cast, page: Any
) -> None:
    """A browser that refuses sessionStorage (private modes, strict settings): the visit lasts
    as long as the page, so "gif" typed on to "gift" is logged once, as "gift"."""
    _articles(live_server, cast)
    _api(live_server, cast)("PUT", f"{KB}/widget", allowed_origins=[shop.origin])
    page.add_init_script(
        "Object.defineProperty(window, 'sessionStorage',"
        " {get() { throw new DOMException('denied', 'SecurityError'); }});"
    )
    shop.embed()
    page.goto(f"{shop.origin}/checkout/payment")
    page.get_by_role("button", name="Help", exact=True).click()
    dialog = page.get_by_role("dialog", name="Help")
    search = dialog.get_by_label("Search our help articles")
    search.fill("gif")
    dialog.get_by_role("list", name="Articles for “gif”").wait_for()
    search.fill("gift")
    dialog.get_by_role("list", name="Articles for “gift”").wait_for()
    deadline = time.monotonic() + 10
    while True:
        report = httpx.get(f"{live_server}{KB}/analytics", headers=cast.olivia.headers).json()
        logged = {row["query"]: row["searches"] for row in report["top_queries"]}
        if "gift" in logged or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert logged == {"gift": 1}
