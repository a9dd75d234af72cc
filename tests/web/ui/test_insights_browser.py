"""The insights dashboard, its drill-down and a customer's survey page in a real browser,
each passing axe with no serious or critical violation."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect
from tests.conftest import Cast
from tests.insights.timeline import build
from tests.web.ui.test_browser import _password, _serious, _sign_in

from minidesk import db
from minidesk.desk.models import Ticket
from minidesk.events import SYSTEM
from minidesk.insights.links import token_for
from minidesk.insights.models import Survey
from minidesk.insights.qa import do_sample

pytestmark = pytest.mark.slow


def test_a_lead_reads_the_dashboard_and_drills_down(
    page: Any, live_server: str, cast: Cast
) -> None:
    tickets = build(db.get_db(), cast)
    _password(cast.leo.email)
    _sign_in(page, live_server, cast.leo.email)
    page.get_by_role("link", name="Insights").click()
    page.get_by_label("From").fill("2026-03-02")
    page.get_by_label("To").fill("2026-03-10")
    page.get_by_label("Chart").select_option("csat")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**metric=csat**")  # the chart below is the new page's, not the old one's
    assert page.locator("svg rect").count() == 2
    assert _serious(page) == []
    csat = page.locator('#kpis a[href*="metric=csat&period=2026-03-02"]')
    assert csat.inner_text() == "50.0%"  # T1's 5 of T1's 5 and T2's 2
    csat.click()
    # `expect` retries: right after the click the old page's heading may still be the one
    expect(page.get_by_role("heading", level=1)).to_have_text("Tickets behind CSAT")
    expect(page.get_by_role("link", name=f"#{tickets['T1']}")).to_be_visible()
    assert _serious(page) == []


def test_a_customer_answers_on_the_survey_page(page: Any, live_server: str, cast: Cast) -> None:
    tickets = build(db.get_db(), cast)
    with db.get_db().transaction() as session:
        ticket = session.get_one(Ticket, tickets["T1"])
        survey = Survey(kind="csat", trigger="transactional", status="sent",
                        ticket_id=ticket.id, customer_id=ticket.customer_id)  # fmt: skip
        session.add(survey)
        session.flush()
        survey_id = survey.id
    page.goto(f"{live_server}/s/{token_for(survey_id)}?score=4")
    assert "your answer is 4" in page.get_by_role("status").inner_text()
    assert _serious(page) == []
    page.get_by_label("5").check()
    page.get_by_label("Comment (optional)").fill("Lovely")
    page.get_by_role("button", name="Send").click()
    assert "your answer is 5" in page.get_by_role("status").inner_text()
    with db.get_db().sessions() as session:
        answered = session.get_one(Survey, survey_id)
        assert (answered.score, answered.comment) == (5, "Lovely")


def test_a_lead_scores_a_review_in_the_browser(page: Any, live_server: str, cast: Cast) -> None:
    build(db.get_db(), cast)
    with db.get_db().transaction() as session:
        do_sample(session, "2026-03", SYSTEM)
    _password(cast.leo.email)
    _sign_in(page, live_server, cast.leo.email)
    page.get_by_role("link", name="QA", exact=True).click()
    assert _serious(page) == []
    page.locator("#reviews a").first.click()
    # `.all()` does not wait: read the selects only once the review form has arrived
    page.get_by_role("button", name="Save review").wait_for()
    for select in page.locator("form select").all():
        select.select_option("4")
    page.get_by_role("button", name="Save review").click()
    expect(page.get_by_role("status")).to_have_text("Review saved: 100.0%.")
    assert _serious(page) == []
