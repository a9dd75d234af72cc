"""The live workspace in a real browser: rows, counts and messages arrive without a reload,
a second agent sees who is viewing and typing, five tickets are triaged from the keyboard in
the inbox, and a saved view's count follows a new ticket; axe checks every page touched."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from tests.conftest import Cast
from tests.web.ui.conftest import NAVIGATION_MS
from tests.web.ui.test_browser import _password, _serious, _sign_in

from minidesk import db
from minidesk.desk.models import Ticket

pytestmark = pytest.mark.slow


def _inbound(base: str, cast: Cast, text: str, external_id: str, email: str) -> int:
    response = httpx.post(
        f"{base}/api/v1/inbound/messages",
        json={"customer": {"email": email, "name": email.partition("@")[0].title()},
              "text": text, "external_id": external_id},
        headers=cast.shop.headers,
        timeout=60,  # the first message loads the triage model
    )  # fmt: skip
    assert response.status_code == 202, response.text
    return int(response.json()["ticket_number"])


def _live(page: Any) -> None:
    """Wait until the page's stream is open (live.js has had its hello)."""
    page.locator("html[data-live=connected]").wait_for(state="attached")


def test_a_new_message_appears_live_in_the_inbox_and_on_its_ticket(
    page: Any, live_server: str, cast: Cast
) -> None:
    _inbound(live_server, cast, "Where is my parcel?", "l-1", "emma@example.com")
    _password(cast.alice.email)
    _sign_in(page, live_server, cast.alice.email)
    page.goto(f"{live_server}/inbox?view=open")
    assert page.locator('[data-count="open"]').inner_text() == "1"
    _live(page)

    number = _inbound(live_server, cast, "My <b>kettle</b> leaks", "l-2", "zoe@example.com")
    row = page.locator(f'tr[data-ticket="{number}"]')
    row.wait_for()
    assert "Zoe" in row.inner_text()
    expect(page.locator('[data-count="open"]')).to_have_text("2")
    assert page.url.endswith("/inbox?view=open")  # no reload happened
    assert _serious(page) == []

    row.get_by_role("link").click()
    page.wait_for_url(f"{live_server}/tickets/{number}")
    _live(page)
    _inbound(
        live_server, cast, "Also the lid is <script>x</script> cracked", "l-3", "zoe@example.com"
    )
    conversation = page.locator(".conversation")
    page.get_by_text("Also the lid is").wait_for()
    # Text, never markup: the customer's angle brackets are shown, not run.
    assert "<script>x</script>" in conversation.inner_text()
    assert page.locator(".conversation script").count() == 0
    assert _serious(page) == []


def test_a_second_agent_sees_who_is_viewing_and_typing(
    browser: Any, live_server: str, cast: Cast
) -> None:
    number = _inbound(live_server, cast, "Refund please", "c-1", "emma@example.com")
    for person in (cast.alice, cast.leo):
        _password(person.email)
    contexts = [browser.new_context(), browser.new_context()]
    try:
        alice, leo = (context.new_page() for context in contexts)
        for page, person in ((alice, cast.alice), (leo, cast.leo)):
            page.set_default_timeout(10_000)
            page.set_default_navigation_timeout(NAVIGATION_MS)
            _sign_in(page, live_server, person.email)
        alice.goto(f"{live_server}/tickets/{number}")
        _live(alice)
        leo.goto(f"{live_server}/tickets/{number}")
        collision = leo.locator("[data-collision]")
        expect(collision).to_contain_text("Alice is viewing")
        alice.get_by_label("Message").type("Hello Emma, ")
        expect(collision).to_contain_text("Alice is typing a reply")
        # And the other way round: Alice sees Leo viewing.
        expect(alice.locator("[data-collision]")).to_contain_text("Leo is viewing")
        assert _serious(leo) == []
    finally:
        for context in contexts:
            context.close()


def test_keyboard_only_triage_of_five_tickets_in_the_inbox(
    page: Any, live_server: str, cast: Cast
) -> None:
    numbers = [
        _inbound(live_server, cast, f"Question {n} about my order", f"k-{n}", f"c{n}@example.com")
        for n in range(5)
    ]
    _password(cast.alice.email)
    _sign_in(page, live_server, cast.alice.email)
    page.goto(f"{live_server}/inbox?view=unassigned")
    _live(page)
    for position, number in enumerate(sorted(numbers, reverse=True)):
        page.keyboard.press("j")
        current = page.locator("tr.current")
        assert current.get_attribute("data-ticket") == str(number), position
        page.keyboard.press("a")  # assign to me: the row updates in place
        row = page.locator(f'tr[data-ticket="{number}"]')
        expect(row.locator("[data-field=assignee]")).to_have_text("Alice")
        page.keyboard.press("s")  # solve
        expect(row.locator("[data-field=status]")).to_have_text("solved")
    assert page.url.endswith("/inbox?view=unassigned")  # all without leaving the list
    with db.get_db().sessions() as session:
        rows = session.scalars(select(Ticket).where(Ticket.id.in_(numbers))).all()
        assert {(t.status, t.assignee_id) for t in rows} == {("solved", cast.alice.id)}
    expect(page.locator('[data-count="unassigned"]')).to_have_text("0")
    page.keyboard.press("?")
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
    assert _serious(page) == []


def test_a_saved_view_made_on_the_page_counts_live(page: Any, live_server: str, cast: Cast) -> None:
    _inbound(live_server, cast, "Broken zip", "s-1", "emma@example.com")
    _password(cast.leo.email)
    _sign_in(page, live_server, cast.leo.email)
    page.goto(f"{live_server}/inbox?view=open")
    page.get_by_text("Filters", exact=True).click()
    page.get_by_label("open", exact=True).check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/inbox?view=open&status=open")
    page.get_by_label("Save as a view named").fill("New ones")
    page.get_by_label("Share with").select_option(label="Support")
    page.get_by_role("button", name="Save view").click()
    page.wait_for_url("**/inbox?saved=*")
    link = page.get_by_role("link", name="New ones (shared)")
    count = link.locator("[data-count]")
    assert count.inner_text() == "1"
    assert _serious(page) == []
    _live(page)

    _inbound(live_server, cast, "Missing button", "s-2", "zoe@example.com")
    expect(count).to_have_text("2")
    page.get_by_label("Name", exact=True).fill("Fresh tickets")
    page.get_by_role("button", name="Rename").click()
    expect(page.get_by_role("link", name="Fresh tickets (shared)")).to_be_visible()
    page.get_by_role("button", name="Delete this view").click()
    page.wait_for_url(f"{live_server}/inbox")
    assert page.get_by_role("link", name="Fresh tickets (shared)").count() == 0
