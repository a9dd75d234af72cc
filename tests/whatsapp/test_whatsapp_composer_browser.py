"""The composer knows WhatsApp's 24-hour window, in a real browser: inside it the page says
when it closes; once closed it says since when, takes no free-text reply and offers the
channel's approved templates with their parameters, and a template sent from there goes out
through the Graph API. The page passes axe either way."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import update
from tests.conftest import Cast
from tests.web.ui.conftest import browser, live_server, page  # noqa: F401  (fixtures)
from tests.web.ui.test_browser import _password, _serious, _sign_in
from tests.whatsapp.conftest import WhatsApp

from minidesk import db
from minidesk.db import utcnow
from minidesk.desk.models import Message

pytestmark = pytest.mark.slow


def _open_ticket(page: Any, base: str, wa: WhatsApp, cast: Cast) -> int:  # noqa: F811
    [item] = wa.client.get("/api/v1/tickets", headers=cast.olivia.headers).json()["items"]
    _password(cast.alice.email)
    _sign_in(page, base, cast.alice.email)
    page.goto(f"{base}/tickets/{item['number']}")
    return int(item["number"])


def test_inside_the_window_the_composer_says_when_it_closes(
    live_server: str,  # noqa: F811  (first: the fake Graph API is configured after the app)
    page: Any,  # noqa: F811
    wa: WhatsApp,
    cast: Cast,
) -> None:
    wa.text("Is the blue one in stock?", "wamid.B1")
    _open_ticket(page, live_server, wa, cast)
    expect(page.locator("#reply-window")).to_contain_text("window is open")
    expect(page.get_by_label("Reply to the customer")).to_be_enabled()
    assert page.locator("form.channel-template").count() == 0
    assert _serious(page) == []


def test_outside_the_window_only_approved_templates_are_offered_and_sent(
    live_server: str,  # noqa: F811
    page: Any,  # noqa: F811
    wa: WhatsApp,
    cast: Cast,
) -> None:
    wa.text("Is the blue one in stock?", "wamid.B1")
    wrote = utcnow() - dt.timedelta(hours=26)
    with db.get_db().transaction() as session:
        session.execute(update(Message).values(created_at=wrote))
    number = _open_ticket(page, live_server, wa, cast)
    closed = page.locator("#reply-window")
    expect(closed).to_contain_text("24-hour window is closed")
    expect(closed).to_contain_text(f"It closed at {wrote + dt.timedelta(hours=24):%Y-%m-%d %H:%M}")
    expect(
        page.get_by_label("Reply to the customer (window closed: templates only)")
    ).to_be_disabled()
    expect(page.get_by_label("Internal note")).to_be_checked()
    assert _serious(page) == []
    template = page.get_by_role("form", name="Template order_update (en_US)")
    template.get_by_label("order_update parameter 1").fill("back in stock")
    template.get_by_role("button", name="Send template order_update").click()
    page.wait_for_url(f"{live_server}/tickets/{number}")
    expect(page.locator(".message.outbound").last).to_contain_text(
        "[template order_update] back in stock"
    )
    assert wa.graph.sent[-1]["type"] == "template"
    assert wa.graph.sent[-1]["template"]["components"][0]["parameters"] == [
        {"type": "text", "text": "back in stock"}
    ]
