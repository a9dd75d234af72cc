"""Issue 15 in a real browser: after a solve, the chat widget shows the survey's scores as
buttons; one click answers, a comment may follow, and the ticket stays solved."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from tests.conftest import Cast
from tests.insights.conftest import later, surveys
from tests.web.ui.test_chat_widget import shop_page  # noqa: F401  (the shop's page fixture)

from minidesk.db import Database
from minidesk.insights.models import Survey
from minidesk.insights.surveys import send_due

pytestmark = pytest.mark.slow


def _survey_when(database: Database, done: Any) -> Survey:
    """The survey once ``done(survey)`` holds: the answer travels socket → inbox → listener."""
    deadline = time.monotonic() + 15
    while True:
        found = surveys(database)
        if found and done(found[0]):
            return found[0]
        assert time.monotonic() < deadline, found and (found[0].status, found[0].score)
        time.sleep(0.1)


def test_emma_answers_the_chat_survey_in_one_click_then_adds_a_comment(
    shop_page: str,  # noqa: F811
    live_server: str,
    page: Any,
    cast: Cast,
    database: Database,
) -> None:
    page.goto(f"{shop_page}/")
    page.get_by_role("button", name="Chat with us").click()
    dialog = page.get_by_role("dialog", name="Shop chat")
    dialog.get_by_label("Your name").fill("Emma")
    dialog.get_by_label("Your email").fill("emma@example.com")
    dialog.get_by_role("button", name="Start chat").click()
    message = dialog.get_by_role("textbox", name="Message", exact=True)
    message.fill("Where is my parcel?")
    message.press("Enter")
    log = dialog.get_by_role("log")
    log.locator(".mdc-a").first.wait_for()

    admin = cast.olivia.headers
    [ticket] = httpx.get(f"{live_server}/api/v1/tickets", headers=admin).json()["items"]
    solved = httpx.patch(
        f"{live_server}/api/v1/tickets/{ticket['number']}", json={"status": "solved"},
        headers=admin,
    )  # fmt: skip
    assert solved.status_code == 200, solved.text
    assert send_due(later(61)) == 1

    scores = log.get_by_role("group", name="Choose a score")
    scores.wait_for()
    assert scores.get_by_role("button").all_inner_texts() == [
        "5 - very satisfied", "4", "3", "2", "1 - very dissatisfied",
    ]  # fmt: skip
    serious = [
        f"{v['id']}: {v['help']}"
        for v in Axe().run(page).response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious

    scores.get_by_role("button", name="4", exact=True).click()
    answered = _survey_when(database, lambda s: s.status == "answered")
    assert (answered.score, answered.comment) == (4, None)
    assert scores.get_by_role("button", name="4", exact=True).get_attribute("aria-pressed") == (
        "true"
    )

    dialog.get_by_role("textbox", name="Add a comment (optional)").fill("Quick and kind")
    dialog.get_by_role("button", name="Send comment").click()
    commented = _survey_when(database, lambda s: s.comment is not None)
    assert (commented.score, commented.comment) == (4, "Quick and kind")
    status = httpx.get(f"{live_server}/api/v1/tickets/{ticket['number']}", headers=admin)
    assert status.json()["status"] == "solved"
