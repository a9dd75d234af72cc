"""Handle time and occupancy (docs/metrics.md) computed by hand: beats and presence changes
recorded at chosen moments on the operations fixture timeline (tests/insights/
ops_timeline.py), then ``/api/v1/reports/handle-time`` and ``occupancy`` compared with the
definitions applied to them; and the heartbeat route's rules.

    alice  visit a1 on T1, Mon 2 Mar 09:20:00/20/40 with totals 20, 40, 60         → 60 s
    alice  visit a2 on T4, Mon 9 Mar 10:00:00 total 80, 10:00:10 total 200 (capped) → 95 s
    alice  visit a3 on T6, Tue 10 Mar 08:30 total 24                                → 24 s
    alice  visit a0 on T0, Fri 27 Feb (before the range)                            → 50 s
    bob    visit b1 on T2, Mon 2 Mar 10:05 total 31                                 → 31 s
    bob    visit b2 on T5, 9 Mar 23:59:50 total 10, 10 Mar 00:00:10 total 30   → 10 s + 20 s
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast
from tests.desk.visibility_world import restrict
from tests.insights.ops_timeline import build_ops
from tests.insights.timeline import at
from tests.web.ui.test_ticket_pages import _signed_in

from minidesk.db import Database
from minidesk.desk.models import Ticket, User
from minidesk.events import Event
from minidesk.insights.work import MAX_STEP_SECONDS, record_beat
from minidesk.insights.work_models import WorkTime

RANGE = {"from": "2026-03-02", "to": "2026-03-10"}
SECOND = dt.timedelta(seconds=1)


def beat(database: Database, who: int, ticket: int, visit: str, total: int,
         when: dt.datetime) -> int:  # fmt: skip
    with database.transaction() as session:
        user = session.get(User, who)
        row = record_beat(session, user, session.get(Ticket, ticket), visit, total, when)
        return row.seconds


@pytest.fixture
def worked(database: Database, cast: Cast) -> dict[str, int]:
    t = build_ops(database, cast)
    alice, bob = cast.alice.id, cast.bob.id
    for offset, total in ((0, 20), (20, 40), (40, 60)):
        beat(database, alice, t["T1"], "visit-a1", total, at(2, 9, 20) + offset * SECOND)
    beat(database, alice, t["T4"], "visit-a2", 80, at(9, 10))
    beat(database, alice, t["T4"], "visit-a2", 200, at(9, 10) + 10 * SECOND)
    beat(database, alice, t["T6"], "visit-a3", 24, at(10, 8, 30))
    beat(database, alice, t["T0"], "visit-a0", 50, at(27, 9, month=2))
    beat(database, bob, t["T2"], "visit-b1", 31, at(2, 10, 5))
    beat(database, bob, t["T5"], "visit-b2", 10, at(9, 23, 59, 50))
    beat(database, bob, t["T5"], "visit-b2", 30, at(10, 0, 0, 10))
    return t


def report(client: TestClient, who: Any, **query: str) -> list[dict[str, Any]]:
    response = client.get("/api/v1/reports/handle-time", params=query, headers=who.headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def test_repeated_and_late_beats_count_once_and_a_beat_adds_at_most_the_clock(
    database: Database, cast: Cast, worked: dict[str, int]
) -> None:
    # The last beat again, and a late one with a smaller total: nothing changes.
    assert beat(database, cast.alice.id, worked["T1"], "visit-a1", 60, at(2, 9, 21)) == 60
    assert beat(database, cast.alice.id, worked["T1"], "visit-a1", 40, at(2, 9, 22)) == 60
    with database.transaction() as session:
        rows = session.query(WorkTime).filter(WorkTime.visit == "visit-a2").all()
        # 80, then 10 s later at most 10 + 5 (grace) more, though the page claimed 120.
        assert [(r.day, r.seconds) for r in rows] == [(dt.date(2026, 3, 9), 95)]
        split = session.query(WorkTime).filter(WorkTime.visit == "visit-b2").all()
        assert sorted((r.day.day, r.seconds) for r in split) == [(9, 10), (10, 20)]
    # A first beat counts at most one step, whatever total it claims.
    first = beat(database, cast.bob.id, worked["T7"], "visit-b3", 5000, at(3, 10))
    assert first == MAX_STEP_SECONDS


def test_handle_time_in_total_per_ticket_and_per_solved_ticket(
    client: TestClient, cast: Cast, worked: dict[str, int]
) -> None:
    # In range: T1 60, T4 95, T6 24, T2 31, T5 30 = 240 s over 5 tickets; first solved in the
    # range: T1, T2, T4, T5 (T6 never), 216 s over 4. T0's work is before the range.
    assert report(client, cast.maya, **RANGE) == [
        {"key": None, "label": "all", "handle_seconds": 240, "tickets": 5,
         "seconds_per_ticket": 48.0, "solved_tickets": 4,
         "seconds_per_solved_ticket": 54.0}]  # fmt: skip
    # By agent, the one who worked: alice 60 + 95 + 24 = 179 over 3 (59.7), solved T1 and T4
    # 155 over 2; bob 31 + 30 = 61 over 2, both solved.
    rows = {r["label"]: r for r in report(client, cast.maya, **RANGE, by="agent")}
    assert {k: (r["handle_seconds"], r["tickets"], r["seconds_per_ticket"],
                r["solved_tickets"], r["seconds_per_solved_ticket"]) for k, r in rows.items()} == {
        "Alice": (179, 3, 59.7, 2, 77.5), "Bob": (61, 2, 30.5, 2, 30.5)}  # fmt: skip
    # Tuesday 10 Mar alone: bob's 20 s on T5 after midnight and alice's 24 s on T6; neither
    # ticket was first solved that day.
    [row] = report(client, cast.maya, **{"from": "2026-03-10", "to": "2026-03-10"})
    assert (row["handle_seconds"], row["tickets"], row["solved_tickets"],
            row["seconds_per_solved_ticket"]) == (44, 2, 0, None)  # fmt: skip


def test_handle_time_by_channel_for_a_restricted_lead_and_as_csv(
    client: TestClient, cast: Cast, worked: dict[str, int]
) -> None:
    response = client.get("/api/v1/reports/handle-time",
                          params={**RANGE, "by": "channel", "format": "csv"},
                          headers=cast.maya.headers)  # fmt: skip
    assert response.headers["content-type"].startswith("text/csv")
    rows = {r["key"]: r for r in csv.DictReader(io.StringIO(response.text))}
    assert {k: (r["handle_seconds"], r["tickets"], r["seconds_per_solved_ticket"])
            for k, r in rows.items()} == {
        "email": ("155", "2", "77.5"), "chat": ("31", "1", "31.0"), "sms": ("30", "1", "30.0"),
        "api": ("24", "1", "")}  # fmt: skip
    restrict(client, cast)
    # Leo leads Support: T1, T4 and T6 only.
    [row] = report(client, cast.leo, **RANGE)
    assert (row["handle_seconds"], row["tickets"]) == (179, 3)
    # An agent does not read reports.
    response = client.get("/api/v1/reports/handle-time", params=RANGE, headers=cast.alice.headers)
    assert response.status_code == 403


def test_the_heartbeat_counts_only_tickets_the_agent_may_see(
    client: TestClient, cast: Cast, worked: dict[str, int]
) -> None:
    url = f"/api/v1/tickets/{worked['T1']}/work"
    response = client.post(url, json={"visit": "visit-new1", "active_seconds": 15},
                           headers=cast.alice.headers)  # fmt: skip
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["ticket"], body["visit_seconds"], body["day_seconds"]) == (worked["T1"], 15, 15)
    # The same visit id for another ticket is not the same visit.
    response = client.post(f"/api/v1/tickets/{worked['T4']}/work",
                           json={"visit": "visit-new1", "active_seconds": 20},
                           headers=cast.alice.headers)  # fmt: skip
    assert response.status_code == 409
    assert response.json()["detail"] == "visit visit-new1 belongs to another ticket"
    for bad in ({"visit": "short", "active_seconds": 1},
                {"visit": "visit new!", "active_seconds": 1},
                {"visit": "visit-ok12", "active_seconds": -1}):  # fmt: skip
        assert client.post(url, json=bad, headers=cast.alice.headers).status_code == 422
    restrict(client, cast)
    # T2 is Billing's: alice, restricted to Support, may not see it, so may not log on it.
    response = client.post(f"/api/v1/tickets/{worked['T2']}/work",
                           json={"visit": "visit-new2", "active_seconds": 5},
                           headers=cast.alice.headers)  # fmt: skip
    assert response.status_code == 404


def test_the_operations_dashboard_shows_handle_time_and_the_tickets_behind_it(
    client: TestClient, cast: Cast, worked: dict[str, int]
) -> None:
    _signed_in(client, cast.leo.email)
    page = client.get("/insights/operations", params={**RANGE, "by": "all"})
    assert page.status_code == 200, page.text[:300]
    table = page.text[page.text.index('id="handle"'):]
    assert "<td>0:04:00</td>" in table  # 240 s
    links = {name: html.unescape(link) for link, name in re.findall(
        r'href="(/insights/operations/tickets\?[^"]*report=handle-time&amp;list=(\w+)[^"]*)"',
        page.text)}  # fmt: skip
    behind = {name: re.findall(r'href="/tickets/(\d+)"', client.get(link).text)
              for name, link in links.items()}  # fmt: skip
    t = worked
    assert behind == {
        "tickets": [str(t[n]) for n in ("T1", "T2", "T4", "T5", "T6")],
        "solved_tickets": [str(t[n]) for n in ("T1", "T2", "T4", "T5")]}  # fmt: skip
    csv_link = re.search(r'id="handle-csv" href="([^"]+)"', page.text)
    assert csv_link is not None
    got = client.get(html.unescape(csv_link.group(1)))
    assert got.status_code == 200 and "handle_seconds" in got.text


def presence(database: Database, who: int, when: dt.datetime, before: str, after: str) -> None:
    with database.transaction() as session:
        session.add(Event(kind="routing.presence_changed", actor_type="user", actor_name="x",
                          automated=False, created_at=when, dispatched_at=when,
                          data={"user_id": who, "source": "agent", "before": before,
                                "after": after}))  # fmt: skip


def test_occupancy_is_handle_time_over_online_time(
    client: TestClient, database: Database, cast: Cast, worked: dict[str, int]
) -> None:
    alice, bob, leo = cast.alice.id, cast.bob.id, cast.leo.id
    # Alice: Sun 1 Mar 23:00-Mon 01:00 (one hour in the range), Mon 09:00-09:30, away, and
    # Tue 10 Mar 08:00-08:10: 3600 + 1800 + 600 = 6000 s online.
    presence(database, alice, at(1, 23), "offline", "online")
    presence(database, alice, at(2, 1), "online", "offline")
    presence(database, alice, at(2, 9), "offline", "online")
    presence(database, alice, at(2, 9, 30), "online", "away")
    presence(database, alice, at(10, 8), "away", "online")
    presence(database, alice, at(10, 8, 10), "online", "offline")
    # Bob: Mon 10:00-10:10, then from Mon 9 Mar 23:50 to the end of the range (11 Mar 00:00).
    presence(database, bob, at(2, 10), "offline", "online")
    presence(database, bob, at(2, 10, 10), "online", "offline")
    presence(database, bob, at(9, 23, 50), "offline", "online")
    # Leo: an hour online on Tue 3 Mar, no handle time.
    presence(database, leo, at(3, 9), "offline", "online")
    presence(database, leo, at(3, 10), "online", "offline")

    def occupancy(who: Any, **query: str) -> dict[str, tuple[int, int, float | None]]:
        response = client.get("/api/v1/reports/occupancy", params=query, headers=who.headers)
        assert response.status_code == 200, response.text
        return {r["label"]: (r["handle_seconds"], r["available_seconds"], r["occupancy"])
                for r in response.json()["items"]}  # fmt: skip

    bob_online = 600 + 10 * 60 + 24 * 3600
    assert occupancy(cast.maya, **RANGE) == {
        "Alice": (179, 6000, round(179 / 6000, 4)),
        "Bob": (61, bob_online, round(61 / bob_online, 4)),
        "Leo": (0, 3600, 0.0)}  # fmt: skip
    # Tuesday 10 Mar alone: bob was online all day (since 23:50 the day before).
    assert occupancy(cast.maya, **{"from": "2026-03-10", "to": "2026-03-10"}) == {
        "Alice": (24, 600, 0.04), "Bob": (20, 86400, round(20 / 86400, 4))}  # fmt: skip
    _signed_in(client, cast.leo.email)
    page = client.get("/insights/operations", params=RANGE)
    assert page.status_code == 200, page.text[:300]
    table = page.text[page.text.index('id="occupancy"'):]
    assert "<th scope=\"row\">Alice</th><td>179</td><td>6000</td><td>3.0%</td>" in table
    restrict(client, cast)
    # Leo leads Support: its agents only (alice, and leo himself).
    assert set(occupancy(cast.leo, **RANGE)) == {"Alice", "Leo"}
