"""The ticket page reports handle time in a real browser: while the agent is active it sends
the visit's running total every 20 s, signed in by its session with the CSRF header, and the
desk counts it; left idle, the total stops growing after a minute. The page's clock is
Playwright's fake one, so minutes pass in a moment."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from tests.conftest import Cast
from tests.web.ui.test_browser import _password, _sign_in

from minidesk.db import Database
from minidesk.insights.work_models import WorkTime

pytestmark = pytest.mark.slow


def _ticket(base: str, cast: Cast) -> int:
    response = httpx.post(
        f"{base}/api/v1/inbound/messages",
        json={"customer": {"email": "emma@example.com", "name": "Emma Stone"},
              "text": "My kettle stopped working.", "external_id": "work-1"},
        headers=cast.shop.headers,
        timeout=30,  # a shared CI machine can be slow; nothing here measures speed
    )  # fmt: skip
    assert response.status_code == 202, response.text
    return int(response.json()["ticket_number"])


def test_the_ticket_page_sends_heartbeats_while_the_agent_works(
    page: Any, live_server: str, cast: Cast, database: Database
) -> None:
    number = _ticket(live_server, cast)
    _password(cast.alice.email)
    _sign_in(page, live_server, cast.alice.email)
    beats: list[dict[str, Any]] = []
    answers: list[int] = []
    page.on("request", lambda r: beats.append(json.loads(r.post_data))
            if r.url.endswith(f"/api/v1/tickets/{number}/work") else None)  # fmt: skip
    page.on("response", lambda r: answers.append(r.status)
            if r.url.endswith(f"/api/v1/tickets/{number}/work") else None)  # fmt: skip
    page.clock.install()
    page.goto(f"{live_server}/tickets/{number}")
    page.mouse.move(40, 40)
    with page.expect_response(lambda r: r.url.endswith("/work")) as first:
        page.clock.run_for(20_500)
    assert first.value.status == 200
    assert 19 <= beats[0]["active_seconds"] <= 21
    # Idle from here: the count stops a minute after the mouse moved, whatever the time.
    page.clock.run_for(180_000)
    page.wait_for_timeout(500)  # let the last beats' answers arrive
    totals = [b["active_seconds"] for b in beats]
    assert totals == sorted(totals) and 59 <= totals[-1] <= 61
    assert len({b["visit"] for b in beats}) == 1 and set(answers) == {200}
    with database.transaction() as session:
        rows = session.scalars(select(WorkTime).where(WorkTime.ticket_id == number)).all()
        assert [r.user_id for r in rows] == [cast.alice.id]
        # The page's clock ran three minutes in a moment: the desk counts no more than
        # the real time between beats (plus grace) after the first.
        assert totals[0] <= rows[0].seconds < totals[-1]
