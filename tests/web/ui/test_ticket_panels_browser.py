"""The ticket page's side panels in a real browser: custom fields one agent saves show up on
a colleague's open page without a reload (and on its timeline), customer tags are edited
from the customer panel, and a restricted agent who types another team's ticket URL gets
the not-found page with nothing of the ticket on it. Axe checks each page state."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from playwright.sync_api import expect
from tests.conftest import Cast
from tests.ticket_fields.fields import ALL
from tests.web.ui.conftest import NAVIGATION_MS
from tests.web.ui.test_browser import _password, _serious, _sign_in

pytestmark = pytest.mark.slow


def _ticket(base: str, cast: Cast, text: str, external_id: str, thread: str) -> int:
    response = httpx.post(
        f"{base}/api/v1/inbound/messages",
        json={"customer": {"email": "emma@example.com", "name": "Emma Stone"}, "text": text,
              "external_id": external_id, "thread": thread},
        headers=cast.shop.headers,
        timeout=60,  # the first message loads the triage model
    )  # fmt: skip
    assert response.status_code == 202, response.text
    return int(response.json()["ticket_number"])


def _team(base: str, cast: Cast, number: int, team: int) -> None:
    answer = httpx.patch(f"{base}/api/v1/tickets/{number}", json={"team_id": team},
                         headers=cast.olivia.headers)  # fmt: skip
    assert answer.is_success, answer.text


def test_fields_alice_saves_appear_live_on_leos_page(
    browser: Any, page: Any, live_server: str, cast: Cast
) -> None:
    for field in ALL:
        httpx.post(f"{live_server}/api/v1/ticket-fields", json=field, headers=cast.olivia.headers)
    number = _ticket(live_server, cast, "My kettle came broken", "p-1", "a")
    older = _ticket(live_server, cast, "Invoice for March", "p-2", "b")
    for email in (cast.alice.email, cast.leo.email):
        _password(email)
    _sign_in(page, live_server, cast.alice.email)
    page.goto(f"{live_server}/tickets/{number}")
    panel = page.locator("#customer-panel")
    expect(panel.get_by_role("link", name=f"#{older} Invoice for March")).to_be_visible()
    assert "verified" in panel.locator('[data-identity="email"]').inner_text()

    leo_context = browser.new_context()
    leo = leo_context.new_page()
    leo.set_default_timeout(10_000)
    leo.set_default_navigation_timeout(NAVIGATION_MS)
    try:
        _sign_in(leo, live_server, cast.leo.email)
        leo.goto(f"{live_server}/tickets/{number}")
        expect(leo.locator("[data-ticket-page]")).to_have_attribute("data-live", "on")

        page.get_by_label("Refund reason (required to solve)").select_option("late")
        page.get_by_label("Order number").fill("1003")
        page.get_by_label("Checked stock").check()
        page.get_by_role("button", name="Save fields").click()
        expect(page.get_by_role("status").first).to_contain_text("Fields saved.")

        # Leo's page: the panel and the timeline follow, no reload.
        expect(leo.get_by_label("Order number")).to_have_value("1003")
        expect(leo.get_by_label("Refund reason (required to solve)")).to_have_value("late")
        expect(leo.get_by_label("Checked stock")).to_be_checked()
        change = leo.locator('[data-field-change="refund_reason"]')
        expect(change).to_have_text("Refund reason: — → late")
        assert _serious(leo) == []
    finally:
        leo_context.close()

    page.get_by_label("Add customer tags").fill("vip")
    page.get_by_role("button", name="Save customer tags").click()
    expect(page.locator("#customer-panel .tags")).to_contain_text("vip")
    assert _serious(page) == []


def test_a_restricted_agent_typing_another_teams_ticket_url_sees_not_found(
    page: Any, live_server: str, cast: Cast
) -> None:
    theirs = _ticket(live_server, cast, "Secret billing dispute", "r-1", "a")
    _team(live_server, cast, theirs, cast.billing_team)
    restrict = {"restrict_agents_to_teams": True}
    answer = httpx.patch(
        f"{live_server}/api/v1/workspace", json=restrict, headers=cast.olivia.headers
    )
    assert answer.is_success
    _password(cast.alice.email)
    _sign_in(page, live_server, cast.alice.email)
    response = page.goto(f"{live_server}/tickets/{theirs}")
    assert response is not None and response.status == 404
    assert "Secret billing dispute" not in page.content()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Ticket {theirs}")
    assert _serious(page) == []
