"""The admin pages in a real browser: a manager dry-runs a rule on recent tickets, a lead
merges two customers and undoes it, and every admin page passes axe with no serious
violation (the form pages with their errors showing included)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from tests.conftest import Cast
from tests.web.ui.test_browser import _password, _serious, _sign_in

from minidesk import inbox
from minidesk.channels.base import InboundMessage, Sender

pytestmark = pytest.mark.slow


def _message(base: str, cast: Cast, text: str, external_id: str, email: str) -> int:
    response = httpx.post(
        f"{base}/api/v1/inbound/messages",
        json={"customer": {"email": email, "name": "Emma Stone"}, "text": text,
              "external_id": external_id},
        headers=cast.shop.headers,
        timeout=60,  # the first message loads the triage model
    )  # fmt: skip
    assert response.status_code == 202, response.text
    return int(response.json()["ticket_number"])


def _customer(base: str, cast: Cast, number: int) -> int:
    ticket = httpx.get(f"{base}/api/v1/tickets/{number}", headers=cast.olivia.headers).json()
    return int(ticket["customer_id"])


def test_maya_dry_runs_a_rule_on_recent_tickets(page: Any, live_server: str, cast: Cast) -> None:
    refund = _message(live_server, cast, "I want a refund now", "b-1", "emma@example.com")
    _message(live_server, cast, "Where is my parcel?", "b-2", "ann@example.com")
    _password(cast.maya.email)
    _sign_in(page, live_server, cast.maya.email)
    page.get_by_role("link", name="Admin").click()
    page.get_by_role("link", name="Rules").first.click()
    page.get_by_role("link", name="New rule").click()
    page.get_by_label("Name").fill("Refunds first")
    page.get_by_label("When").select_option("message.received")
    page.get_by_label("Conditions (YAML; all must hold)").fill("- {type: text, words: [refund]}")
    page.get_by_label("Actions (YAML)").fill("- {type: set_priority, priority: P1}")
    page.get_by_role("button", name="Dry run on recent tickets").click()
    heading = page.get_by_role("heading", name="Dry run: 1 of 2 recent tickets would match")
    heading.wait_for()
    assert page.locator(f'tr[data-trial="{refund}"]').inner_text().count("yes") == 1
    assert "set_priority: priority=P1" in page.locator("#dry-run").inner_text()
    assert page.get_by_label("Name").input_value() == "Refunds first"  # the form is kept
    assert _serious(page) == []
    page.get_by_role("button", name="Save rule").click()
    page.get_by_text("Saved rule Refunds first.").wait_for()


def test_leo_merges_two_customers_and_undoes_it(page: Any, live_server: str, cast: Cast) -> None:
    home = _message(live_server, cast, "Kettle broken", "m-1", "emma@example.com")
    work = _message(live_server, cast, "About my order", "m-2", "emma@work.example")
    emma, work_emma = _customer(live_server, cast, home), _customer(live_server, cast, work)
    _password(cast.leo.email)
    _sign_in(page, live_server, cast.leo.email)
    page.goto(f"{live_server}/customers/{emma}")
    page.get_by_label("Customer to merge into this one (id, email or phone)").fill(
        "emma@work.example"
    )
    page.get_by_role("button", name="Merge", exact=True).click()
    page.get_by_text("Merged Emma Stone into Emma Stone.").wait_for()
    assert page.locator(".customer-tickets").get_by_text(f"#{work}").is_visible()
    assert _customer(live_server, cast, work) == emma
    assert _serious(page) == []
    page.get_by_role("button", name="Undo merge").click()
    page.get_by_text(f"Merge undone: customer {work_emma} has their history back.").wait_for()
    assert _customer(live_server, cast, work) == work_emma
    assert page.locator(".merges").get_by_text("undone").is_visible()


ADMIN_PAGES = [
    "/admin",
    "/admin/users",
    "/admin/channels",
    "/admin/channels/new?kind=email",
    "/admin/queues",
    "/admin/rules",
    "/admin/rules/new",
    "/admin/templates",
    "/admin/templates/pending_reminder",
    "/admin/policies",
    "/admin/intents",
    "/admin/settings",
]


def test_every_admin_page_passes_axe(page: Any, live_server: str, cast: Cast) -> None:
    # Lists with rows in them: a quarantined message and a rule.
    odd = InboundMessage(channel="api", external_id="q-1", sender=Sender(email="x@y.example"),
                         text="<b>odd</b>")  # fmt: skip
    inbox.accept(odd, status=inbox.InboxStatus.QUARANTINED, error="odd bytes")
    rule = {"name": "VIP first", "event": "message.received",
            "actions": [{"type": "add_tags", "tags": ["vip"]}]}  # fmt: skip
    made = httpx.post(f"{live_server}/api/v1/rules", json=rule, headers=cast.olivia.headers)
    assert made.status_code == 201, made.text
    _password(cast.olivia.email)
    _sign_in(page, live_server, cast.olivia.email)
    found = {}
    for path in ADMIN_PAGES:
        page.goto(f"{live_server}{path}")
        found[path] = _serious(page)
    # Forms showing their errors: the invalid fields are described by their messages.
    page.goto(f"{live_server}/admin/policies")
    page.get_by_label("The bot may offer refunds up to (USD)").fill("ten")
    page.get_by_role("button", name="Save policies").click()
    page.locator("#e-auto_refund_max_minor").wait_for()
    found["policies with an error"] = _serious(page)
    page.goto(f"{live_server}/admin/channels/new?kind=email")
    page.get_by_label("Name", exact=True).fill("Broken")
    page.get_by_label("Imap port").fill("99999")
    page.get_by_role("button", name="Save channel").click()
    page.locator("#e-settings-imap_port").wait_for()
    found["channel with an error"] = _serious(page)
    assert {path: problems for path, problems in found.items() if problems} == {}
