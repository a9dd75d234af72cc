"""The side panel in a real browser: Escalate with a hand-off note, the history and tier
shown, the panel updated live when a colleague escalates through the API, and axe finds no
serious problem on a page with an incident checklist."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from tests.conftest import Cast
from tests.web.ui.test_browser import _password, _serious, _sign_in

from minidesk.db import Database
from minidesk.escalation.rules import do_seed_defaults
from minidesk.sla.policies import do_seed_defaults as do_seed_sla_policies

pytestmark = pytest.mark.slow


def _ticket(base: str, cast: Cast, text: str) -> int:
    response = httpx.post(
        f"{base}/api/v1/inbound/messages",
        json={
            "customer": {"email": "emma@example.com", "name": "Emma"},
            "text": text,
            "external_id": text[:20],
        },
        headers=cast.shop.headers,
        timeout=30,  # a shared machine can be slow; nothing here measures speed
    )
    assert response.status_code == 202, response.text
    return int(response.json()["ticket_number"])


def test_an_agent_escalates_from_the_side_panel_and_sees_a_colleague_s_live(
    page: Any, live_server: str, cast: Cast, database: Database
) -> None:
    number = _ticket(live_server, cast, "Which warranty covers the grinder?")
    httpx.patch(
        f"{live_server}/api/v1/tickets/{number}", json={"tier": 1}, headers=cast.olivia.headers
    )
    _password(cast.alice.email)
    _sign_in(page, live_server, cast.alice.email)
    page.goto(f"{live_server}/tickets/{number}")
    page.locator(".escalate-tool summary").click()
    panel = page.locator("#escalation-panel")
    panel.get_by_label("To tier").select_option("2")
    panel.get_by_label("Hand-off note").fill("Warranty terms differ by country; please check.")
    panel.get_by_role("button", name="Escalate").click()
    page.locator(".flash").wait_for()
    assert page.locator("[data-tier]").inner_text() == "2"
    assert "Warranty terms differ" in page.locator(".escalation-history").inner_text()
    page.wait_for_selector('[data-ticket-page][data-live="on"]')
    # Leo escalates through the API: no reload, the panel follows the stream.
    response = httpx.post(
        f"{live_server}/api/v1/tickets/{number}/escalate",
        json={"tier": 3, "note": "Engineering owns this now"},
        headers=cast.leo.headers,
    )
    assert response.status_code == 201, response.text
    page.wait_for_selector('[data-tier]:text-is("3")', timeout=20_000)
    assert "Engineering owns this now" in page.locator(".escalation-history").inner_text()


def test_a_page_with_an_incident_passes_axe(
    page: Any, live_server: str, cast: Cast, database: Database
) -> None:
    with database.transaction() as session:
        do_seed_defaults(session)
    number = _ticket(live_server, cast, "The heater started to smoke and burned the rug.")
    _password(cast.maya.email)
    _sign_in(page, live_server, cast.maya.email)
    page.goto(f"{live_server}/tickets/{number}")
    checklist = page.locator(".incident-checklist")
    assert "Isolate the batch or lot" in checklist.inner_text()
    page.get_by_role("button", name="Tick Collect photos and the product").click()
    page.locator(".flash").wait_for()
    done = page.locator('[data-checklist="collect_photos"]')
    assert done.get_attribute("data-done") == "yes"
    page.locator(".escalate-tool summary").click()
    assert _serious(page) == []


def test_the_sla_panel_follows_a_status_change_live(
    page: Any, live_server: str, cast: Cast, database: Database
) -> None:
    with database.transaction() as session:
        do_seed_sla_policies(session)
    number = _ticket(live_server, cast, "Do you ship the grinder to Norway?")
    _password(cast.alice.email)
    _sign_in(page, live_server, cast.alice.email)
    page.goto(f"{live_server}/tickets/{number}")
    first = page.locator('[data-sla="first_response"]')
    assert first.get_attribute("data-sla-state") == "running"
    assert "left" in first.inner_text() and "due" in first.inner_text()
    page.wait_for_selector('[data-ticket-page][data-live="on"]')
    response = httpx.patch(
        f"{live_server}/api/v1/tickets/{number}",
        json={"status": "pending"},
        headers=cast.olivia.headers,
    )
    assert response.status_code == 200, response.text
    # No reload: the status change on the stream made the page fetch the panel again.
    page.wait_for_selector('[data-sla="first_response"][data-sla-state="paused"]', timeout=20_000)
    assert "paused" in page.locator('[data-sla="first_response"]').inner_text()
