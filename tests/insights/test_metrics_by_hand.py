"""Every KPI of docs/metrics.md computed by hand on the fixture timeline (tests/insights/
timeline.py) and compared with what ``/api/v1/reports/kpis`` says. Each expected value is
written as its definition applied to the timeline, so a reader can check the arithmetic."""

from __future__ import annotations

import csv
import io
from statistics import fmean
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast
from tests.desk.visibility_world import restrict
from tests.insights.timeline import build

from minidesk.db import Database

HOUR, DAY = 3600, 86400
RANGE = {"from": "2026-03-02", "to": "2026-03-10"}


@pytest.fixture
def timeline(database: Database, cast: Cast) -> dict[str, int]:
    return build(database, cast)


def report(client: TestClient, who: Any, **query: str) -> list[dict[str, Any]]:
    response = client.get("/api/v1/reports/kpis", params={**RANGE, **query}, headers=who.headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def test_every_metric_per_week_matches_the_hand_count(
    client: TestClient, cast: Cast, timeline: dict[str, int]
) -> None:
    first, second = report(client, cast.maya, group_by="week")
    assert (first["period"], second["period"]) == ("2026-03-02", "2026-03-09")
    # Week of 2 March. Created: T1, T2, T3 (T0 was created in February).
    # Solved for the first time: T0 (Mon 08:00), T1, T2, T3.
    assert first == {
        "period": "2026-03-02", "key": None, "label": "all",
        "tickets_created": 3,
        # T1 30 min, T2 10 min; T3 had no reply from a person and is left out.
        "first_response_seconds": fmean([30 * 60, 10 * 60]),
        "tickets_solved": 4,
        # T0 from Fri 09:00 to Mon 08:00; T1 1 h; T2 1 h (first solve); T3 1 min.
        "resolution_seconds": round(fmean([3 * DAY - HOUR, HOUR, HOUR, 60]), 2),
        # T0, T1 (one reply each) and T3 (none); T2 had two replies and was reopened.
        "first_contact_resolution": 3 / 4,
        "reopen_rate": 1 / 4,  # T2
        "containment_rate": 1 / 4,  # T3, solved by the bot alone
        "resolved_within_3_turns": 4 / 4,  # T2's two customer messages are within three
        "escalation_rate": 0 / 3,
        # Chats: T2 and T3. T3's visitor left before the bot's reply; T2's after Bob's.
        "chats_started": 2,
        "chat_abandonment_rate": 1 / 2,
        "csat": 1 / 2,  # T1's 5 is satisfied, T2's 2 is not
        "csat_average": fmean([5, 2]),
        "nps": None,
        "ces_average": 7.0,  # T3
        "survey_answers": 3,
    }  # fmt: skip
    # Week of 9 March. Created: T4, T5, T6. Solved: T4, T5.
    assert second == {
        "period": "2026-03-09", "key": None, "label": "all",
        "tickets_created": 3,
        "first_response_seconds": fmean([HOUR, 20 * 60]),  # T4, T5; T6 unanswered
        "tickets_solved": 2,
        "resolution_seconds": fmean([3 * HOUR, HOUR]),
        "first_contact_resolution": 2 / 2,
        # T5's reply was only its survey answer: the reopen was undone, it does not count.
        "reopen_rate": 0 / 2,
        "containment_rate": 0 / 2,
        "resolved_within_3_turns": 1 / 2,  # T4 took four customer messages
        "escalation_rate": round(1 / 3, 4),  # T4 went from tier 1 to 2
        "chats_started": 0,
        "chat_abandonment_rate": None,  # no chat started that week
        # T5 answered 3, then 4: a survey counts once, by its last answer.
        "csat": 1 / 1,
        "csat_average": 4.0,
        # T4's 10 promotes, T6's 6 detracts: (1 - 1) / 2.
        "nps": 0.0,
        "ces_average": None,
        "survey_answers": 3,
    }  # fmt: skip


def test_by_agent_each_ticket_counts_for_its_assignee(
    client: TestClient, cast: Cast, timeline: dict[str, int]
) -> None:
    rows = report(client, cast.maya, group_by="month", by="agent")
    by_label = {row["label"]: row for row in rows}
    assert set(by_label) == {"Alice", "Bob", "(none)"}
    alice = by_label["Alice"]
    # T0, T1, T4, T6: created T1, T4, T6; solved T0, T1, T4.
    assert (alice["tickets_created"], alice["tickets_solved"]) == (3, 3)
    assert alice["first_response_seconds"] == fmean([30 * 60, HOUR])
    assert alice["escalation_rate"] == round(1 / 3, 4)
    assert alice["nps"] == 0.0 and alice["csat"] == 1.0
    bob = by_label["Bob"]
    assert (bob["tickets_created"], bob["first_contact_resolution"], bob["reopen_rate"]) == (
        2, 1 / 2, 1 / 2)  # fmt: skip
    assert bob["csat_average"] == fmean([2, 4])
    assert by_label["(none)"]["containment_rate"] == 1.0


def test_by_channel_and_intent(client: TestClient, cast: Cast, timeline: dict[str, int]) -> None:
    channels = {r["key"]: r["tickets_created"] for r in report(client, cast.maya,
                group_by="month", by="channel")}  # fmt: skip
    assert channels == {"email": 2, "chat": 2, "sms": 1, "api": 1}
    intents = {r["label"]: r["tickets_solved"] for r in report(client, cast.maya,
               group_by="month", by="intent")}  # fmt: skip
    assert intents == {"where_is_order": 3, "refund": 3, "(none)": 0}


def test_a_restricted_lead_counts_only_their_teams_tickets(
    client: TestClient, cast: Cast, timeline: dict[str, int]
) -> None:
    restrict(client, cast)
    [month] = report(client, cast.leo, group_by="month")
    assert (month["tickets_created"], month["tickets_solved"]) == (3, 3)  # Support: T1, T4, T6
    assert client.get("/api/v1/reports/kpis", params=RANGE,
                      headers=cast.alice.headers).status_code == 403  # fmt: skip


def test_the_report_downloads_as_csv(
    client: TestClient, cast: Cast, timeline: dict[str, int]
) -> None:
    response = client.get("/api/v1/reports/kpis", params={**RANGE, "group_by": "week"},
                          headers={**cast.maya.headers, "Accept": "text/csv"})  # fmt: skip
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["period"], r["tickets_created"], r["nps"]) for r in rows] == [
        ("2026-03-02", "3", ""), ("2026-03-09", "3", "0.0")]  # fmt: skip


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "2026-03-10", "to": "2026-03-02"}, "to must not be before from"),
        ({"from": "2025-01-01", "to": "2026-03-02"}, "at most 366 days"),
        ({**RANGE, "group_by": "year"}, "group_by"),
        ({**RANGE, "by": "planet"}, "by"),
        ({"to": "2026-03-02"}, "from"),
    ],
)
def test_bad_questions_get_precise_problems(
    client: TestClient, cast: Cast, query: dict[str, str], field: str
) -> None:
    response = client.get("/api/v1/reports/kpis", params=query, headers=cast.maya.headers)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert field in response.json()["detail"]
