"""The operational metrics of docs/metrics.md (backlog age, top intents and coverage, tag
completion, repeat contacts) computed by hand on the fixture timeline (tests/insights/
ops_timeline.py) and compared with ``/api/v1/reports/...``. Each expected value is written as
its definition applied to the timeline."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast
from tests.desk.visibility_world import restrict
from tests.insights.ops_timeline import build_ops
from tests.insights.timeline import at

from minidesk.db import Database
from minidesk.insights.kpis import Dimension, Period
from minidesk.insights.repeats import repeat_contacts
from minidesk.ticket_fields.models import TicketField

RANGE = {"from": "2026-03-02", "to": "2026-03-10"}
NO_AGE = {"under_1d": 0, "from_1d_to_3d": 0, "from_3d_to_7d": 0, "from_7d_to_14d": 0,
          "from_14d_to_30d": 0, "over_30d": 0}  # fmt: skip


@pytest.fixture
def timeline(database: Database, cast: Cast) -> dict[str, int]:
    return build_ops(database, cast)


def get(client: TestClient, who: Any, path: str, **query: str) -> dict[str, Any]:
    response = client.get(f"/api/v1/reports/{path}", params=query, headers=who.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def backlog(client: TestClient, who: Any, at_: str, by: str = "all") -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = get(client, who, "backlog", at=at_, by=by)["items"]
    return items


def test_backlog_counts_what_was_open_then_by_age(
    client: TestClient, cast: Cast, timeline: dict[str, int]
) -> None:
    # Sun 1 Mar 12:00: only T0 exists; its first status change (3 days later) left "open",
    # so it was open, created Fri 27 Feb 09:00: 2 days 3 hours old.
    assert backlog(client, cast.maya, "2026-03-01T12:00:00Z") == [
        {"period": "2026-03-01", "key": None, "label": "all", "open_tickets": 1,
         **NO_AGE, "from_1d_to_3d": 1, "mean_age_hours": 51.0}]  # fmt: skip
    # Tue 3 Mar 08:30: T2 was reopened at 08:00 (solved again at 09:00): open, 22.5 hours
    # old. T7 was created at 09:00, after the moment.
    [row] = backlog(client, cast.maya, "2026-03-03T08:30:00Z")
    assert (row["open_tickets"], row["under_1d"], row["mean_age_hours"]) == (1, 1, 22.5)
    # Tue 10 Mar 09:00: T6 (1 hour) and T7 (exactly 7 days: a lower bound is included).
    [row] = backlog(client, cast.maya, "2026-03-10T09:00:00Z")
    assert row == {"period": "2026-03-10", "key": None, "label": "all", "open_tickets": 2,
                   **NO_AGE, "under_1d": 1, "from_7d_to_14d": 1,
                   "mean_age_hours": (1 + 7 * 24) / 2}  # fmt: skip


def test_backlog_by_team_and_for_a_restricted_lead(
    client: TestClient, cast: Cast, timeline: dict[str, int]
) -> None:
    # Mon 9 Mar 10:00: T4 (Support, solved at 12:00, so still open) 1 hour old; T7
    # (Billing) 6 days 1 hour old.
    rows = {r["label"]: r for r in backlog(client, cast.maya, "2026-03-09T10:00:00Z", "team")}
    assert {label: (r["open_tickets"], r["under_1d"], r["from_3d_to_7d"], r["mean_age_hours"])
            for label, r in rows.items()} == {
        "Support": (1, 1, 0, 1.0), "Billing": (1, 0, 1, 145.0)}  # fmt: skip
    restrict(client, cast)
    [row] = backlog(client, cast.leo, "2026-03-09T10:00:00Z", "team")
    assert (row["label"], row["open_tickets"]) == ("Support", 1)


def test_top_intents_and_how_many_cover_the_target(
    client: TestClient, cast: Cast, timeline: dict[str, int]
) -> None:
    # Created 2-10 March: refund T2 T4 T5, where_is_order T1 T3, cancel T7, none T6.
    body = get(client, cast.maya, "intents", **RANGE)
    assert {k: v for k, v in body.items() if k != "items"} == {
        "since": "2026-03-02", "until": "2026-03-10", "tickets": 7, "unclassified": 1,
        "intents": 3, "top": 10, "top_coverage": round(6 / 7, 4), "target": 0.8,
        # refund + where_is_order cover 5/7 = 71%, below 80%; with cancel 6/7 = 86%.
        "intents_for_target": 3,
    }  # fmt: skip
    assert body["items"] == [
        {"intent": "refund", "tickets": 3, "share": round(3 / 7, 4),
         "cumulative_share": round(3 / 7, 4)},
        {"intent": "where_is_order", "tickets": 2, "share": round(2 / 7, 4),
         "cumulative_share": round(5 / 7, 4)},
        {"intent": "cancel", "tickets": 1, "share": round(1 / 7, 4),
         "cumulative_share": round(6 / 7, 4)},
    ]  # fmt: skip
    two = get(client, cast.maya, "intents", **RANGE, top="2", target="0.7")
    assert (len(two["items"]), two["top_coverage"], two["intents_for_target"]) == (
        2, round(5 / 7, 4), 2)  # fmt: skip
    # The unclassified seventh can never be covered.
    assert get(client, cast.maya, "intents", **RANGE, target="0.9")["intents_for_target"] is None


def test_intents_for_a_restricted_lead_and_as_csv(
    client: TestClient, cast: Cast, timeline: dict[str, int]
) -> None:
    restrict(client, cast)
    body = get(client, cast.leo, "intents", **RANGE)  # Support: T1, T4, T6
    assert (body["tickets"], body["unclassified"]) == (3, 1)
    # A tie is broken by name.
    assert [(i["intent"], i["tickets"]) for i in body["items"]] == [
        ("refund", 1), ("where_is_order", 1)]  # fmt: skip
    response = client.get("/api/v1/reports/intents", params={**RANGE, "format": "csv"},
                          headers=cast.leo.headers)  # fmt: skip
    assert response.headers["content-type"].startswith("text/csv")
    assert list(csv.reader(io.StringIO(response.text))) == [
        ["intent", "tickets", "share", "cumulative_share"],
        ["refund", "1", str(round(1 / 3, 4)), str(round(1 / 3, 4))],
        ["where_is_order", "1", str(round(1 / 3, 4)), str(round(2 / 3, 4))]]  # fmt: skip


def test_tag_completion_per_week_and_per_agent(
    client: TestClient, cast: Cast, timeline: dict[str, int]
) -> None:
    first, second = get(client, cast.maya, "tag-completion", **RANGE, group_by="week")["items"]
    # Week of 2 March, first solves T0 T1 T2 T3: tagged T1 and T3; order number filled in
    # on T1 and T2 (T0 and T3 have none).
    assert first == {"period": "2026-03-02", "key": None, "label": "all", "tickets_solved": 4,
                     "tagged": 2, "tag_completion": 0.5, "fields_complete": 2,
                     "field_completion": 0.5}  # fmt: skip
    # Week of 9 March, T4 T5: T4 is tagged, but its order number was left empty.
    assert second == {"period": "2026-03-09", "key": None, "label": "all", "tickets_solved": 2,
                      "tagged": 1, "tag_completion": 0.5, "fields_complete": 0,
                      "field_completion": 0.0}  # fmt: skip
    rows = get(client, cast.maya, "tag-completion", **RANGE, group_by="month", by="agent")
    assert {r["label"]: (r["tickets_solved"], r["tag_completion"], r["field_completion"])
            for r in rows["items"]} == {
        "Alice": (3, round(2 / 3, 4), round(1 / 3, 4)),  # T0 T1 T4: tags on T1 T4; field T1
        "Bob": (2, 0.0, 0.5),  # T2 T5: no tags; field on T2
        "(none)": (1, 1.0, 0.0),  # T3, the bot's
    }  # fmt: skip


def test_without_a_required_field_there_is_no_field_completion(
    client: TestClient, cast: Cast, database: Database, timeline: dict[str, int]
) -> None:
    with database.transaction() as session:
        for field in session.query(TicketField):
            field.active = False
    [month] = get(client, cast.maya, "tag-completion", **RANGE, group_by="month")["items"]
    assert (month["tickets_solved"], month["tagged"]) == (6, 3)
    assert (month["fields_complete"], month["field_completion"]) == (None, None)


def test_repeat_contacts_within_a_day(
    client: TestClient, cast: Cast, timeline: dict[str, int]
) -> None:
    body = get(client, cast.maya, "repeat-contacts", **RANGE, group_by="week", within_days="1")
    first, second = body["items"]
    # T0 solved Mon 08:00: T1 and T2 followed within the day. T1 solved 10:00: T2 was
    # created at that same minute (not after) and T7 is Noah's, not Emma's. T2 first solved
    # 11:00: T3 came at 11:00 the next day, the window's last moment. T3: nothing till Wed.
    assert first == {"period": "2026-03-02", "key": None, "label": "all", "repeat_base": 4,
                     "repeat_contacts": 2, "repeat_contact_rate": 0.5, "pending": 0}  # fmt: skip
    # T4 solved 12:00: T5 and T6 followed; T5 solved 15:00: T6 the next morning.
    assert second == {"period": "2026-03-09", "key": None, "label": "all", "repeat_base": 2,
                      "repeat_contacts": 2, "repeat_contact_rate": 1.0, "pending": 0}  # fmt: skip


def test_a_solve_whose_window_is_still_open_is_pending(
    database: Database, cast: Cast, timeline: dict[str, int]
) -> None:
    # On Tue 10 Mar 13:00, T4's day (to 12:00) has passed; T5's (to 15:00) has not.
    with database.sessions() as session:
        rows = repeat_contacts(session, at(9, 0), at(11, 0), Period.DAY, Dimension.ALL,
                               at(2, 0) - at(1, 0), now=at(10, 13))  # fmt: skip
    assert [(r.period.day, r.values) for r in rows] == [(9, {
        "repeat_base": 1, "repeat_contacts": 1, "repeat_contact_rate": 1.0, "pending": 1})]
    assert rows[0].tickets["repeat_contacts"] == [timeline["T4"]]
    assert rows[0].tickets["pending"] == [timeline["T5"]]


def test_repeat_contacts_by_channel_as_csv(
    client: TestClient, cast: Cast, timeline: dict[str, int]
) -> None:
    response = client.get(
        "/api/v1/reports/repeat-contacts",
        params={**RANGE, "group_by": "month", "by": "channel", "within_days": "1"},
        headers={**cast.maya.headers, "Accept": "text/csv"},
    )
    rows = list(csv.DictReader(io.StringIO(response.text)))
    # T2 (chat) and T0, T4 (email) and T5 (sms) were followed; T1 (email), T3 (chat) not.
    assert [(r["key"], r["repeat_base"], r["repeat_contacts"]) for r in rows] == [
        ("chat", "2", "1"), ("email", "3", "2"), ("sms", "1", "1")]  # fmt: skip


@pytest.mark.parametrize(
    ("path", "query", "words"),
    [
        ("backlog", {"at": "2026-03-10T09:00:00"}, "time zone"),
        ("backlog", {"at": "2999-01-01T00:00:00Z"}, "future"),
        ("backlog", {"at": "0001-01-01T00:00:00+14:00"}, "out of range"),
        ("backlog", {"by": "planet"}, "by"),
        ("intents", {**RANGE, "top": "0"}, "top"),
        ("intents", {**RANGE, "target": "1.5"}, "target"),
        ("intents", {"from": "2026-03-10", "to": "2026-03-02"}, "to must not be before from"),
        ("tag-completion", {"from": "2025-01-01", "to": "2026-03-02"}, "at most 366 days"),
        ("repeat-contacts", {**RANGE, "within_days": "91"}, "within_days"),
        ("repeat-contacts", {"to": "2026-03-02"}, "from"),
    ],
)
def test_bad_questions_get_precise_problems(
    client: TestClient, cast: Cast, path: str, query: dict[str, str], words: str
) -> None:
    response = client.get(f"/api/v1/reports/{path}", params=query, headers=cast.maya.headers)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert words in response.json()["detail"]


@pytest.mark.parametrize("path", ["backlog", "intents", "tag-completion", "repeat-contacts"])
def test_agents_may_not_read_the_reports(client: TestClient, cast: Cast, path: str) -> None:
    # The backlog is a moment, not a range: it takes no ``from``/``to``.
    params = {} if path == "backlog" else RANGE
    response = client.get(f"/api/v1/reports/{path}", params=params, headers=cast.alice.headers)
    assert response.status_code == 403
