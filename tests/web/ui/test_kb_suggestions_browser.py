"""Suggested articles on the ticket page in a real browser: the agent inserts one into the
reply (title, first paragraph, help-centre link) after what they wrote, and sends it; the
page with its suggestions passes axe-core."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect
from tests.conftest import Cast
from tests.web.ui.test_browser import _password, _serious, _sign_in

from minidesk.db import Database
from minidesk.kb.seed import seed_demo_articles

pytestmark = pytest.mark.slow


def test_an_agent_inserts_a_suggested_article_into_the_reply(
    page: Any, live_server: str, cast: Cast, database: Database
) -> None:
    with database.transaction() as session:
        seed_demo_articles(session)
    asked = httpx.post(
        f"{live_server}/api/v1/inbound/messages",
        json={"customer": {"email": "zoe@example.com"}, "external_id": "kb-1",
              "text": "My lamp arrived damaged and the box was crushed, what can I do?"},
        headers=cast.olivia.headers, timeout=30,
    )  # fmt: skip
    number = int(asked.json()["ticket_number"])
    _password(cast.alice.email)
    _sign_in(page, live_server, cast.alice.email)
    page.goto(f"{live_server}/tickets/{number}")
    panel = page.get_by_role("region", name="Suggested articles")
    assert panel.get_by_role("link", name="My item arrived damaged").is_visible()
    assert _serious(page) == []
    text = page.get_by_label("Message")
    text.fill("Hi Zoe,")
    panel.get_by_role("button", name="Insert “My item arrived damaged” in the reply").click()
    expect(text).to_have_value(re.compile(r"^Hi Zoe,\n\nMy item arrived damaged\n\nSorry"))
    assert text.input_value().endswith(
        "Read more: http://127.0.0.1:8000/help/articles/damaged-items"
    )
    assert "Article inserted." in page.locator("#live-news").inner_text()
    page.get_by_role("button", name="Send").click()
    page.wait_for_url(f"{live_server}/tickets/{number}")
    assert "/help/articles/damaged-items" in page.locator(".message.outbound").last.inner_text()
