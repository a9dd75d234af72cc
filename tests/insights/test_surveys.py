"""A solved ticket's customer is asked once, through the ticket's channel, answers by a link or
a reply, and the answer lands on the ticket's and the customer's timelines and in the API."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound
from tests.insights.conftest import (
    configure,
    later,
    open_ticket,
    set_status,
    survey_message,
    surveys,
    token_in,
)

from minidesk.db import Database
from minidesk.insights.relational import schedule_relational
from minidesk.insights.replies import parse
from minidesk.insights.surveys import send_due


def kinds(client: TestClient, cast: Cast, path: str) -> list[str]:
    response = client.get(path, headers=cast.olivia.headers, params={"limit": 100})
    assert response.status_code == 200, response.text
    return [event["kind"] for event in response.json()["items"]]


def test_emma_answers_csat_with_one_click_and_adds_a_comment(
    client: TestClient, cast: Cast, database: Database
) -> None:
    ticket = open_ticket(client, cast)
    set_status(client, cast, ticket, "solved")
    assert send_due(later(59)) == 0  # an hour after the solve, by default
    assert send_due(later(61)) == 1
    message = survey_message(client, cast, ticket)
    assert "Reply with a number from 1 (very dissatisfied) to 5" in str(message["text"])
    token = token_in(str(message["text"]))

    page = client.get(f"/s/{token}", params={"score": 4})
    assert page.status_code == 200
    assert "your answer is 4" in page.text
    page = client.post(f"/s/{token}", data={"score": "5", "comment": "Quick and kind"})
    assert page.status_code == 200 and "your answer is 5" in page.text

    [survey] = surveys(database)
    assert (survey.status, survey.score, survey.comment) == ("answered", 5, "Quick and kind")
    timeline = kinds(client, cast, f"/api/v1/tickets/{ticket}/timeline")
    assert timeline.count("survey.sent") == 1 and timeline.count("survey.answered") == 2
    customer = survey.customer_id
    assert "survey.answered" in kinds(client, cast, f"/api/v1/customers/{customer}/timeline")

    listed = client.get(
        "/api/v1/surveys/responses", params={"kind": "csat", "score_min": 5},
        headers=cast.leo.headers,
    )  # fmt: skip
    assert listed.status_code == 200, listed.text
    [item] = listed.json()["items"]
    assert (item["ticket_number"], item["score"], item["comment"]) == (ticket, 5, "Quick and kind")
    none = client.get("/api/v1/surveys/responses", params={"score_max": 4},
                      headers=cast.leo.headers)  # fmt: skip
    assert none.json()["items"] == []


def test_a_reply_that_is_a_score_answers_and_the_ticket_stays_solved(
    client: TestClient, cast: Cast, database: Database
) -> None:
    ticket = open_ticket(client, cast, thread="conv-1")
    set_status(client, cast, ticket, "solved")
    send_due(later(61))
    inbound(client, cast.shop, "4 - sorted in minutes", "m2", thread="conv-1")
    [survey] = surveys(database)
    assert (survey.status, survey.score, survey.comment) == ("answered", 4, "sorted in minutes")
    status = client.get(f"/api/v1/tickets/{ticket}", headers=cast.olivia.headers).json()
    assert status["status"] == "solved"


def test_a_reply_that_is_not_a_score_reopens_as_usual(
    client: TestClient, cast: Cast, database: Database
) -> None:
    ticket = open_ticket(client, cast, thread="conv-1")
    set_status(client, cast, ticket, "solved")
    send_due(later(61))
    inbound(client, cast.shop, "2 more questions about the parcel", "m2", thread="conv-1")
    assert surveys(database)[0].status == "sent"
    status = client.get(f"/api/v1/tickets/{ticket}", headers=cast.olivia.headers).json()
    assert status["status"] == "open"


def test_a_customer_asked_recently_is_not_asked_again(
    client: TestClient, cast: Cast, database: Database
) -> None:
    first = open_ticket(client, cast, "m1")
    set_status(client, cast, first, "solved")
    second = open_ticket(client, cast, "m2")
    assert second != first
    set_status(client, cast, second, "solved")
    assert [s.ticket_id for s in surveys(database)] == [first]


def test_a_survey_is_not_sent_when_the_ticket_reopened_first(
    client: TestClient, cast: Cast, database: Database
) -> None:
    ticket = open_ticket(client, cast)
    set_status(client, cast, ticket, "solved")
    set_status(client, cast, ticket, "open")
    assert send_due(later(61)) == 1
    [survey] = surveys(database)
    assert (survey.status, survey.skipped_reason) == (
        "skipped",
        "the ticket is open, no longer solved",
    )


def test_unsubscribing_is_honoured(client: TestClient, cast: Cast, database: Database) -> None:
    configure(client, cast, throttle_days=0, delay_minutes=0)
    ticket = open_ticket(client, cast, "m1")
    set_status(client, cast, ticket, "solved")
    send_due(later(1))
    token = token_in(str(survey_message(client, cast, ticket)["text"]))
    assert "Unsubscribe from surveys" in client.get(f"/s/{token}/unsubscribe").text
    done = client.post(f"/s/{token}/unsubscribe")
    assert done.status_code == 200 and "will not receive surveys" in done.text
    again = open_ticket(client, cast, "m2")
    set_status(client, cast, again, "solved")
    assert [s.ticket_id for s in surveys(database)] == [ticket]


def test_relational_nps_asks_each_recently_helped_customer_once_per_period(
    client: TestClient, cast: Cast, database: Database
) -> None:
    configure(client, cast, transactional_kind=None, relational_nps_days=90)
    ticket = open_ticket(client, cast)
    set_status(client, cast, ticket, "solved")
    assert schedule_relational(later(1)) == 2  # scheduled, then sent
    assert schedule_relational(later(2)) == 0
    [survey] = surveys(database)
    assert (survey.kind, survey.trigger, survey.status) == ("nps", "relational", "sent")
    text = str(survey_message(client, cast, ticket)["text"])
    assert "from 0 (not at all likely) to 10 (extremely likely)" in text


def test_links_and_scores_are_checked(client: TestClient, cast: Cast, database: Database) -> None:
    ticket = open_ticket(client, cast)
    set_status(client, cast, ticket, "solved")
    send_due(later(61))
    token = token_in(str(survey_message(client, cast, ticket)["text"]))
    out_of_range = client.get(f"/s/{token}", params={"score": 6})
    assert out_of_range.status_code == 422 and "from 1 to 5, not 6" in out_of_range.text
    forged = token.split(".")[0] + "." + "A" * 22
    assert client.get(f"/s/{forged}", params={"score": 5}).status_code == 404
    assert client.post(f"/s/{forged}/unsubscribe").status_code == 404
    assert surveys(database)[0].status == "sent"


def test_settings_are_read_by_leads_changed_by_managers_and_typos_refused(
    client: TestClient, cast: Cast
) -> None:
    read = client.get("/api/v1/surveys/settings", headers=cast.leo.headers)
    assert read.json() == {"transactional_kind": "csat", "delay_minutes": 60,
                           "throttle_days": 30, "relational_nps_days": 0}  # fmt: skip
    assert client.get("/api/v1/surveys/settings", headers=cast.alice.headers).status_code == 403
    denied = client.patch("/api/v1/surveys/settings", json={"delay_minutes": 5},
                          headers=cast.leo.headers)  # fmt: skip
    assert denied.status_code == 403
    typo = client.patch("/api/v1/surveys/settings", json={"delay_minute": 5},
                        headers=cast.maya.headers)  # fmt: skip
    assert typo.status_code == 422
    assert typo.headers["content-type"].startswith("application/problem+json")
    assert typo.json()["errors"] == [
        {"field": "delay_minute", "message": "Extra inputs are not permitted"}
    ]
    bad = client.patch("/api/v1/surveys/settings", json={"transactional_kind": "stars"},
                       headers=cast.maya.headers)  # fmt: skip
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "transactional_kind"
    configure(client, cast, transactional_kind="ces", delay_minutes=5)
    after = client.get("/api/v1/surveys/settings", headers=cast.leo.headers).json()
    assert (after["transactional_kind"], after["delay_minutes"], after["throttle_days"]) == (
        "ces", 5, 30)  # fmt: skip


def test_replies_are_read_as_scores_only_when_they_start_with_one() -> None:
    assert parse("4") == (4, None)
    assert parse(" 9: would tell my friends ") == (9, "would tell my friends")
    assert parse("5\nthanks!") == (5, "thanks!")
    assert parse("2 more questions") is None
    assert parse("thanks, 5") is None
