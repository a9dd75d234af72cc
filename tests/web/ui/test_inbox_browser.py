"""A lead's inbox in a real browser, with a morning's tickets, filters and saved views: a
saved view's filters are changed in place and its count follows. ``MINIDESK_SCREENSHOTS=1``
also saves the README's screenshot of the inbox (docs/screenshots/inbox.png)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from playwright.sync_api import expect
from tests.conftest import Cast
from tests.web.ui.test_browser import _password, _serious, _sign_in
from tests.web.ui.test_live_inbox import _inbound, _live
from tests.web.ui.test_ticket_tools_browser import _screenshot

pytestmark = pytest.mark.slow

# (what the customer wrote, their address, what the desk did with it)
MORNING: list[tuple[str, str, dict[str, Any]]] = [
    ("My order 1003 arrived with a cracked mug", "emma@example.com",
     {"priority": "P1", "add_tags": ["damaged"]}),
    ("Where is my parcel? Tracking has not moved since Monday", "zoe@example.com",
     {"add_tags": ["shipping"]}),
    ("Can I change the delivery address on order 1011?", "liam@example.com", {}),
    ("Please cancel my subscription before the next renewal", "noah@example.com",
     {"priority": "P2"}),
    ("The invoice for order 1007 is missing the VAT number", "ava@example.com",
     {"add_tags": ["invoice"]}),
    ("Do you ship the blue kettle to Norway?", "mia@example.com", {"status": "pending"}),
    ("Refund still not on my card after two weeks", "lucas@example.com",
     {"priority": "P1", "add_tags": ["refund", "vip"]}),
]  # fmt: skip


def _morning(base: str, cast: Cast) -> list[int]:
    numbers = []
    for n, (text, email, changes) in enumerate(MORNING):
        number = _inbound(base, cast, text, f"m-{n}", email)
        # A third of them already taken by Alice, as on any morning.
        assigned = {"assignee_id": cast.alice.id} if n % 3 == 1 else {}
        if changes or assigned:
            done = httpx.patch(
                f"{base}/api/v1/tickets/{number}",
                json={**changes, **assigned},
                headers=cast.olivia.headers,
            )
            assert done.status_code == 200, done.text
        numbers.append(number)
    return numbers


def _view(base: str, cast: Cast, **fields: Any) -> int:
    made = httpx.post(f"{base}/api/v1/views", json=fields, headers=cast.leo.headers)
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


def test_a_lead_refilters_a_saved_view_in_place_and_its_count_follows(
    page: Any, live_server: str, cast: Cast
) -> None:
    _morning(live_server, cast)
    urgent = _view(live_server, cast, name="Urgent", filters={"priority": ["P1"]})
    _view(live_server, cast, name="Refunds", filters={"tag": "refund"},
          shared=True, team=cast.support_team)  # fmt: skip
    _view(live_server, cast, name="Parcels", filters={"tag": "shipping", "status": ["open"]})
    _password(cast.leo.email)
    _sign_in(page, live_server, cast.leo.email)

    page.goto(f"{live_server}/inbox?view=open")
    page.get_by_text("Filters", exact=True).click()
    expect(page.locator("tr[data-ticket]")).to_have_count(len(MORNING))
    assert _serious(page) == []
    _screenshot(page, "inbox.png")

    page.goto(f"{live_server}/inbox?saved={urgent}")
    count = page.get_by_role("link", name="Urgent").locator("[data-count]")
    expect(count).to_have_text("2")
    page.get_by_label("P2", exact=True).check()
    page.get_by_role("button", name="Save to this view").click()
    page.wait_for_url(f"{live_server}/inbox?saved={urgent}")  # the same view, not a copy
    expect(page.locator(".flash")).to_have_text("Saved the filters to this view.")
    expect(count).to_have_text("3")
    expect(page.locator("tr[data-ticket]")).to_have_count(3)
    assert page.get_by_role("link", name="Urgent").count() == 1
    _live(page)
    assert _serious(page) == []
