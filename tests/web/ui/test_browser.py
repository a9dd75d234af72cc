"""The workspace in a real browser: signing in, the inbox, a ticket, signing out; the API docs
with no network beyond this desk; and an accessibility check (axe-core) on every page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from sqlalchemy import select
from tests.conftest import TEST_HASHER, Cast

from minidesk import db
from minidesk.desk.models import User

pytestmark = pytest.mark.slow
PASSWORD = "correct horse battery staple"


def _password(email: str) -> None:
    with db.get_db().transaction() as session:
        user = session.scalars(select(User).where(User.email == email)).one()
        user.password_hash = TEST_HASHER.hash(PASSWORD)


def _ticket(base: str, cast: Cast, text: str, external_id: str) -> int:
    response = httpx.post(
        f"{base}/api/v1/inbound/messages",
        json={
            "customer": {"email": "emma@example.com", "name": "Emma Stone"},
            "text": text,
            "external_id": external_id,
        },
        headers=cast.shop.headers,
        timeout=60,  # the first message loads the triage model: seconds on a loaded machine
    )
    assert response.status_code == 202, response.text
    return int(response.json()["ticket_number"])


def _sign_in(page: Any, base: str, email: str) -> None:
    page.goto(f"{base}/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/inbox*")


def _serious(page: Any, allowed: frozenset[str] = frozenset()) -> list[str]:
    """axe's serious and critical violations on the page, ``allowed`` rules not run at all
    (on a large page a rule such as color-contrast is most of axe's work)."""
    rules = {rule: {"enabled": False} for rule in sorted(allowed)}
    results = Axe().run(page, options={"resultTypes": ["violations"], "rules": rules})
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_an_agent_signs_in_opens_a_ticket_and_signs_out(
    page: Any, live_server: str, cast: Cast
) -> None:
    number = _ticket(live_server, cast, "My blender arrived cracked.", "b-1")
    _password(cast.alice.email)
    page.goto(f"{live_server}/inbox")  # a visitor is sent to sign in, then back
    assert "/?next=/inbox" in page.url
    assert _serious(page) == []
    page.get_by_label("Email").fill(cast.alice.email)
    page.get_by_label("Password").fill("not it")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").inner_text() == "Email or password is wrong."
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server}/inbox")

    page.get_by_role("link", name="All open").click()
    row = page.locator(f'tr[data-ticket="{number}"]')
    assert "Emma Stone" in row.inner_text()
    assert _serious(page) == []
    row.get_by_role("link").click()
    page.wait_for_url(f"{live_server}/tickets/{number}")
    assert "My blender arrived cracked." in page.locator(".conversation").inner_text()
    assert _serious(page) == []

    page.get_by_role("button", name="Sign out", exact=True).click()
    page.wait_for_url(f"{live_server}/")
    page.goto(f"{live_server}/tickets/{number}")
    assert "/?next=/tickets/" in page.url


def test_the_api_docs_render_with_no_network_beyond_the_desk(page: Any, live_server: str) -> None:
    elsewhere: list[str] = []

    def only_here(route: Any) -> None:
        if urlparse(route.request.url).netloc == urlparse(live_server).netloc:
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", only_here)
    page.goto(f"{live_server}/docs")
    page.locator(".swagger-ui .opblock").first.wait_for(timeout=60_000)
    assert page.get_by_text("/api/v1/tickets", exact=True).first.is_visible()
    page.goto(f"{live_server}/redoc")
    assert page.title() == "minidesk — API reference"
    # ReDoc has rendered the document: the API's title and an operation from it.
    page.locator("h1", has_text="minidesk").first.wait_for(timeout=60_000)
    assert "/api/v1/tickets/{number}/messages" in page.content()
    assert elsewhere == []


def test_keyboard_only_triage_of_five_tickets(page: Any, live_server: str, cast: Cast) -> None:
    numbers = {
        _ticket(live_server, cast, f"Question {n} about my order", f"k-{n}") for n in range(5)
    }
    _password(cast.alice.email)
    _sign_in(page, live_server, cast.alice.email)
    page.goto(f"{live_server}/inbox?view=unassigned")
    triaged = set()
    for _ in numbers:
        page.keyboard.press("j")
        with page.expect_navigation():
            page.keyboard.press("o")
        triaged.add(int(page.url.rsplit("/", 1)[1]))
        with page.expect_navigation():
            page.keyboard.press("a")  # assign to me
        assert page.get_by_role("status").inner_text() == "Saved."
        with page.expect_navigation():
            page.keyboard.press("s")  # solve
        with page.expect_navigation():
            page.keyboard.press("u")  # back to the view it came from
        assert page.url.endswith("/inbox?view=unassigned")
    assert triaged == numbers
    with db.get_db().sessions() as session:
        from minidesk.desk.models import Ticket

        rows = session.scalars(select(Ticket).where(Ticket.id.in_(numbers))).all()
        assert {(t.status, t.assignee_id) for t in rows} == {("solved", cast.alice.id)}
    page.keyboard.press("?")
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
    assert _serious(page) == []


def test_the_staffing_page_charts_the_week_accessibly(
    page: Any, live_server: str, cast: Cast
) -> None:
    from tests.wfm.test_week_plan import seed

    seed(db.get_db(), cast)
    _password(cast.leo.email)
    _sign_in(page, live_server, cast.leo.email)
    page.get_by_role("link", name="Staffing").click()
    page.wait_for_url(f"{live_server}/staffing")
    chart = page.get_by_role("img", name="Agents needed per interval over the week")
    assert chart.count() == 1
    assert _serious(page) == []
