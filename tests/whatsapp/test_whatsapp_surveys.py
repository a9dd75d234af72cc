"""Issue 15 on WhatsApp: the survey after a solve goes out as a list of scores to tap (CSAT,
CES) or as text for NPS's eleven scores; a tapped row (``list_reply``) or a typed score is the
answer and the ticket stays solved; past the 24-hour window the survey is skipped, with the
reason on the timeline, and nothing is sent."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import update
from tests.conftest import Cast
from tests.insights.conftest import configure, later, set_status, surveys
from tests.whatsapp.conftest import WhatsApp

from minidesk import db
from minidesk.db import Database, utcnow
from minidesk.desk.models import Message
from minidesk.insights.surveys import send_due


def _solved_ticket(wa: WhatsApp, cast: Cast) -> int:
    assert wa.text("Where is my parcel?", "wamid.S1").status_code == 200
    listed = wa.client.get("/api/v1/tickets", headers=cast.olivia.headers).json()["items"]
    number = int(listed[0]["number"])
    set_status(wa.client, cast, number, "solved")
    return number


def _status(wa: WhatsApp, cast: Cast, number: int) -> str:
    found = wa.client.get(f"/api/v1/tickets/{number}", headers=cast.olivia.headers).json()
    return str(found["status"])


def _tap(wa: WhatsApp, wamid: str, row: dict[str, Any]) -> None:
    reply = {"id": row["id"], "title": row["title"]}
    tapped = wa.message(
        wamid, "interactive", interactive={"type": "list_reply", "list_reply": reply}
    )
    assert tapped.status_code == 200


def test_emma_taps_a_score_in_the_list_and_the_ticket_stays_solved(
    wa: WhatsApp, cast: Cast, database: Database
) -> None:
    number = _solved_ticket(wa, cast)
    send_due(later(61))
    sent = wa.graph.sent[-1]
    assert sent["type"] == "interactive", sent
    interactive = sent["interactive"]
    assert interactive["type"] == "list"
    assert "How satisfied are you" in interactive["body"]["text"]
    assert interactive["action"]["button"] == "Choose a score"
    [section] = interactive["action"]["sections"]
    titles = [row["title"] for row in section["rows"]]
    assert titles == ["5 - very satisfied", "4", "3", "2", "1 - very dissatisfied"]
    assert all(len(title) <= 24 for title in titles)
    _tap(wa, "wamid.S2", section["rows"][1])
    [survey] = surveys(database)
    assert (survey.status, survey.score, survey.comment) == ("answered", 4, None)
    assert _status(wa, cast, number) == "solved"
    # Tapping another score changes the answer.
    _tap(wa, "wamid.S3", section["rows"][0])
    assert surveys(database)[0].score == 5
    timeline = wa.client.get(
        f"/api/v1/tickets/{number}/timeline", headers=cast.olivia.headers
    ).json()["items"]
    answered = [e for e in timeline if e["kind"] == "survey.answered"]
    answers = sorted((e["data"]["score"], e["data"]["via"]) for e in answered)
    assert answers == [(4, "button"), (5, "button")]


def test_a_score_button_of_another_customers_survey_answers_nothing(
    wa: WhatsApp, cast: Cast, database: Database
) -> None:
    _solved_ticket(wa, cast)
    send_due(later(61))
    [section] = wa.graph.sent[-1]["interactive"]["action"]["sections"]
    # Someone else's phone sends a row id it has seen (a forwarded screenshot, a guess).
    reply = {"id": section["rows"][0]["id"], "title": section["rows"][0]["title"]}
    wa.message(
        "wamid.X1",
        "interactive",
        sender="15550009999",
        interactive={"type": "list_reply", "list_reply": reply},
    )
    assert surveys(database)[0].status == "sent"


def test_nps_has_eleven_scores_so_it_asks_for_a_typed_number(
    wa: WhatsApp, cast: Cast, database: Database
) -> None:
    configure(wa.client, cast, transactional_kind="nps")
    number = _solved_ticket(wa, cast)
    send_due(later(61))
    sent = wa.graph.sent[-1]
    assert sent["type"] == "text"
    assert "Reply with a number from 0" in sent["text"]["body"]
    wa.text("9: great service", "wamid.S2")
    [survey] = surveys(database)
    assert (survey.score, survey.comment) == (9, "great service")
    assert _status(wa, cast, number) == "solved"


def test_past_the_24_hour_window_the_survey_is_skipped_with_the_reason(
    wa: WhatsApp, cast: Cast, database: Database
) -> None:
    number = _solved_ticket(wa, cast)
    with db.get_db().transaction() as session:
        session.execute(update(Message).values(created_at=utcnow() - dt.timedelta(hours=25)))
    before = len(wa.graph.sent)
    send_due(later(61))
    assert len(wa.graph.sent) == before
    [survey] = surveys(database)
    assert survey.status == "skipped"
    assert "24-hour window is closed" in (survey.skipped_reason or "")
    assert _status(wa, cast, number) == "solved"  # not handed back to agents
