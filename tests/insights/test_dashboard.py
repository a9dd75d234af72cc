"""The /insights page: leads see the KPI table and chart, every number opens the tickets
behind it (and downloads them as CSV); agents see nothing; a restricted lead sees their teams'."""

from __future__ import annotations

import csv
import io
import re

from fastapi.testclient import TestClient
from tests.conftest import Cast
from tests.desk.visibility_world import restrict
from tests.insights.timeline import build
from tests.web.ui.test_ticket_pages import _signed_in

from minidesk.db import Database

RANGE = {"from": "2026-03-02", "to": "2026-03-10", "group_by": "week"}


def test_a_lead_drills_from_a_number_to_its_tickets(
    client: TestClient, cast: Cast, database: Database
) -> None:
    tickets = build(database, cast)
    _signed_in(client, cast.leo.email)
    page = client.get("/insights", params={**RANGE, "metric": "reopen_rate"})
    assert page.status_code == 200, page.text[:300]
    assert "<svg" in page.text and "Reopened per week" in page.text
    assert ">25.0%<" in page.text  # week of 2 March: T2 of four solved
    drill = r'href="(/insights/tickets\?[^"]*metric=reopen_rate&amp;period=2026-03-02[^"]*)"'
    link = re.search(drill, page.text)
    assert link is not None
    behind = client.get(link.group(1).replace("&amp;", "&"))
    assert behind.status_code == 200
    assert re.findall(r'href="/tickets/(\d+)"', behind.text) == [str(tickets["T2"])]
    download = client.get(link.group(1).replace("&amp;", "&").replace("/tickets?", "/tickets.csv?"))
    assert download.headers["content-type"].startswith("text/csv")
    [row] = csv.DictReader(io.StringIO(download.text))
    assert (row["number"], row["channel"]) == (str(tickets["T2"]), "chat")
    table = client.get("/api/v1/reports/kpis", params={**RANGE, "format": "csv"})
    assert table.status_code == 200 and table.text.startswith("period,key,label,tickets_created")


def test_agents_do_not_see_insights(client: TestClient, cast: Cast) -> None:
    _signed_in(client, cast.alice.email)
    assert client.get("/insights").status_code == 403
    assert client.get("/insights/tickets").status_code == 403
    assert 'href="/insights"' not in client.get("/inbox").text


def test_a_restricted_lead_sees_only_their_teams_numbers(
    client: TestClient, cast: Cast, database: Database
) -> None:
    tickets = build(database, cast)
    restrict(client, cast)
    _signed_in(client, cast.leo.email)
    page = client.get("/insights/tickets", params={**RANGE, "by": "all", "period": "2026-03-02",
                                                   "metric": "tickets_solved"})  # fmt: skip
    shown = re.findall(r'href="/tickets/(\d+)"', page.text)
    assert shown == [str(tickets["T0"]), str(tickets["T1"])]  # Support's; not Bob's T2 or T3


def test_a_bad_question_is_answered_precisely(client: TestClient, cast: Cast) -> None:
    _signed_in(client, cast.leo.email)
    page = client.get("/insights", params={"from": "2026-03-10", "to": "2026-03-01",
                                           "group_by": "year"})  # fmt: skip
    assert page.status_code == 422
    assert "group by must be one of day, week, month" in page.text
    assert "to must not be before from" in page.text
