"""The ticket page's tools in a real browser: a reply with a template, a refund within the
agent's cap (a double click moves money once), an over-cap refund a manager approves in a
second browser context while the agent's page shows the outcome live, and axe on the page
with its order panel. ``MINIDESK_SCREENSHOTS=1`` also saves the README's screenshots."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from playwright.sync_api import expect
from tests.conftest import Cast, money_moved
from tests.resolutions.conftest import EMMA
from tests.web.ui.conftest import NAVIGATION_MS
from tests.web.ui.test_browser import _password, _serious, _sign_in

from minidesk.db import Database

pytestmark = pytest.mark.slow
SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
CHECKS = ("email_matches_order", "verified_sender", "last4_confirmed")


def _emma_asks(base: str, cast: Cast) -> int:
    response = httpx.post(
        f"{base}/api/v1/inbound/messages",
        json={
            "customer": {"email": EMMA, "name": "Emma Garcia"},
            "text": "My order 1003 arrived with a cracked mug. Can I get some money back?",
            "external_id": "browser-tools-1",
        },
        headers=cast.olivia.headers,
        timeout=30,  # a shared CI machine can be slow; nothing here measures speed
    )
    assert response.status_code == 202, response.text
    return int(response.json()["ticket_number"])


def _screenshot(page: Any, name: str) -> None:
    if os.environ.get("MINIDESK_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def _refund(page: Any, order: str, amount: str) -> Any:
    """Open the order's refund tool, fill it in, tick the identity checks; the form."""
    tool = page.locator(f'[data-order="{order}"] [data-tool="refund"]')
    tool.locator("summary").click()
    form = tool.locator("form")
    form.get_by_label("Amount").fill(amount)
    form.get_by_label("Reason").fill("cracked on arrival")
    for check in CHECKS:
        form.locator(f'input[value="{check}"]').check()
    return form


def test_a_reply_with_a_template(page: Any, live_server: str, cast: Cast, store: Database) -> None:
    number = _emma_asks(live_server, cast)
    _password(cast.alice.email)
    _sign_in(page, live_server, cast.alice.email)
    page.goto(f"{live_server}/tickets/{number}")
    page.get_by_label("Search templates").fill("order status")
    page.get_by_label("Template", exact=True).select_option("order_status")
    text = page.get_by_label("Message")
    # Polled by Playwright from outside the page: the page's CSP forbids evaluated strings.
    expect(text).to_have_value(re.compile("#1003"))
    assert "Emma" in text.input_value()
    assert "Template inserted" in page.locator("#live-news").inner_text()
    page.get_by_role("button", name="Send").click()
    page.wait_for_url(f"{live_server}/tickets/{number}")
    sent = page.locator(".message.outbound").last
    assert "template order_status" in sent.inner_text() and "#1003" in sent.inner_text()


def test_a_refund_within_cap_double_clicked_moves_money_once(
    page: Any, live_server: str, cast: Cast, store: Database
) -> None:
    number = _emma_asks(live_server, cast)
    _password(cast.leo.email)
    _sign_in(page, live_server, cast.leo.email)
    page.goto(f"{live_server}/tickets/{number}")
    assert page.locator('[data-order="1003"]').is_visible()
    form = _refund(page, "1003", "25.00")
    assert _serious(page) == []
    _screenshot(page, "ticket.png")
    posted = {
        name: form.locator(f'input[name="{name}"]').first.get_attribute("value")
        for name in ("csrf", "key", "order_number")
    }
    form.get_by_role("button").dblclick()
    page.locator(".flash").wait_for()
    assert "$25.00" in page.locator(".flash").inner_text()
    # The same form replayed (a resubmitted page, a retried request): the first answer again.
    fields = [*posted.items(), ("amount", "25.00"), *(("identity_checks", c) for c in CHECKS)]
    replay = page.request.post(
        f"{live_server}/tickets/{number}/actions/refund",
        data=urlencode(fields),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert "Already done, nothing repeated" in replay.text()
    assert money_moved(store) == 2_500
    refunded = page.locator('[data-order="1003"] [data-refunded]').inner_text()
    assert refunded == "$25.00"
    assert "Why: Policy: refund → auto" in page.locator(".conversation").inner_text()


def test_an_over_cap_refund_is_approved_in_another_browser_and_shown_live(
    browser: Any, page: Any, live_server: str, cast: Cast, store: Database
) -> None:
    number = _emma_asks(live_server, cast)
    _password(cast.leo.email)
    _password(cast.maya.email)
    _sign_in(page, live_server, cast.leo.email)
    page.goto(f"{live_server}/tickets/{number}")
    _refund(page, "1007", "250.00").get_by_role("button").click()
    assert "approval request" in page.locator(".flash").inner_text()
    pending = page.locator("[data-approval-status]")
    assert pending.get_attribute("data-approval-status") == "pending"
    page.wait_for_selector('[data-ticket-page][data-live="on"]')

    manager = browser.new_context()
    try:
        other = manager.new_page()
        other.set_default_timeout(10_000)
        other.set_default_navigation_timeout(NAVIGATION_MS)
        _sign_in(other, live_server, cast.maya.email)
        other.goto(f"{live_server}/approvals")
        request = other.locator(".approval").first
        assert "order 1007" in request.inner_text()
        assert _serious(other) == []
        _screenshot(other, "approvals.png")
        request.get_by_label("Reason").fill("loyal customer, photo of the damage")
        request.get_by_role("button", name="Approve").click()
        other.locator(".flash").wait_for()
    finally:
        manager.close()

    # No reload: the stream's notice made the page fetch the decision.
    page.wait_for_selector('[data-approval-status="approved"]', timeout=20_000)
    assert "loyal customer" in page.locator("#live-news").inner_text()
    assert money_moved(store) == 25_000
