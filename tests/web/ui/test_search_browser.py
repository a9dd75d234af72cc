"""The header's search box in a real browser: Alice finds a ticket by a word of its messages,
sees the matching passage marked, and the page passes axe."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from tests.conftest import Cast
from tests.web.ui.test_browser import _password, _serious, _sign_in

pytestmark = pytest.mark.slow


def _message(base: str, cast: Cast, text: str, external_id: str) -> int:
    response = httpx.post(
        f"{base}/api/v1/inbound/messages",
        json={"customer": {"email": "emma@example.com", "name": "Emma Stone"}, "text": text,
              "external_id": external_id, "thread": external_id},
        headers=cast.shop.headers,
        timeout=60,  # the first message loads the triage model
    )  # fmt: skip
    assert response.status_code == 202, response.text
    return int(response.json()["ticket_number"])


def test_alice_searches_from_the_inbox(page: Any, live_server: str, cast: Cast) -> None:
    wanted = _message(live_server, cast, "Kettle\nthe kettle whistles off-key", "s-1")
    _message(live_server, cast, "Toaster\nthe toaster burns bread", "s-2")
    _password(cast.alice.email)
    _sign_in(page, live_server, cast.alice.email)
    page.goto(f"{live_server}/inbox")
    box = page.get_by_role("searchbox", name="Search tickets")
    box.fill("whistle*")
    box.press("Enter")
    results = page.get_by_role("list", name="Results, best match first")
    results.wait_for()
    assert results.get_by_role("link").all_inner_texts() == [f"#{wanted} Kettle"]
    assert results.locator("mark").first.inner_text() == "whistles"
    assert _serious(page) == []
    page.get_by_label('Words, "a phrase", refun*, -word').fill("-kettle")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("alert").wait_for()
    assert "only exclusions" in page.get_by_role("alert").inner_text()
    assert _serious(page) == []
