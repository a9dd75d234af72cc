"""The /insights/operations page: a lead reads backlog age, top intents, tag completion and
repeat contacts, and any number opens the tickets behind it (and downloads them as CSV);
agents see nothing; a restricted lead sees their teams' tickets only."""

from __future__ import annotations

import csv
import html
import io
import re

from fastapi.testclient import TestClient
from tests.conftest import Cast
from tests.desk.visibility_world import restrict
from tests.insights.ops_timeline import build_ops
from tests.web.ui.test_ticket_pages import _signed_in

from minidesk.db import Database

ASKED = {"from": "2026-03-02", "to": "2026-03-10", "group_by": "week", "by": "all",
         "at": "2026-03-09T10:00", "within_days": "1"}  # fmt: skip


def _links(text: str, report: str, name: str) -> list[str]:
    pattern = rf'href="(/insights/operations/tickets\?[^"]*report={report}&amp;list={name}[^"]*)"'
    return [html.unescape(link) for link in re.findall(pattern, text)]


def _numbers(client: TestClient, link: str) -> list[str]:
    page = client.get(link)
    assert page.status_code == 200, page.text[:300]
    return re.findall(r'href="/tickets/(\d+)"', page.text)


def test_a_lead_drills_from_each_report_to_its_tickets(
    client: TestClient, cast: Cast, database: Database
) -> None:
    t = build_ops(database, cast)
    _signed_in(client, cast.leo.email)
    page = client.get("/insights/operations", params=ASKED)
    assert page.status_code == 200, page.text[:300]
    assert "<svg" in page.text
    # Backlog at Mon 9 Mar 10:00: T4 (1 hour old) and T7 (6 days).
    [under_a_day] = _links(page.text, "backlog", "under_1d")
    assert _numbers(client, under_a_day) == [str(t["T4"])]
    # 3 intents cover 80% of the seven tickets created.
    assert "3 intents cover 80.0%" in page.text
    refund = next(link for link in _links(page.text, "intents", "tickets") if "key=refund" in link)
    assert _numbers(client, refund) == [str(t["T2"]), str(t["T4"]), str(t["T5"])]
    # Week of 2 March: T0 and T2 are the untagged first solves; T0 and T2 came back in a day.
    untagged = _links(page.text, "tag-completion", "untagged")[0]
    assert _numbers(client, untagged) == [str(t["T0"]), str(t["T2"])]
    came_back = _links(page.text, "repeat-contacts", "repeat_contacts")[0]
    assert _numbers(client, came_back) == [str(t["T0"]), str(t["T2"])]
    download = client.get(came_back.replace("/tickets?", "/tickets.csv?"))
    assert download.headers["content-type"].startswith("text/csv")
    assert [r["number"] for r in csv.DictReader(io.StringIO(download.text))] == [
        str(t["T0"]), str(t["T2"])]  # fmt: skip
    for table in ("backlog-csv", "intents-csv", "tags-csv", "repeats-csv"):
        link = re.search(rf'id="{table}" href="([^"]+)"', page.text)
        assert link is not None
        got = client.get(html.unescape(link.group(1)))
        assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")


def test_agents_do_not_see_operations(client: TestClient, cast: Cast) -> None:
    _signed_in(client, cast.alice.email)
    assert client.get("/insights/operations").status_code == 403
    assert client.get("/insights/operations/tickets").status_code == 403
    assert client.get("/insights/operations/tickets.csv").status_code == 403


def test_a_restricted_lead_sees_only_their_teams_tickets(
    client: TestClient, cast: Cast, database: Database
) -> None:
    t = build_ops(database, cast)
    restrict(client, cast)
    _signed_in(client, cast.leo.email)
    page = client.get("/insights/operations", params={**ASKED, "by": "team"})
    assert page.status_code == 200
    assert ">Billing<" not in page.text  # T7's team, open at that moment
    assert _numbers(client, _links(page.text, "backlog", "open_tickets")[0]) == [str(t["T4"])]
    # Even asked for directly, Bob's Billing tickets are not listed.
    asked = {**ASKED, "report": "tag-completion", "list": "tickets_solved",
             "period": "2026-03-02", "key": ""}  # fmt: skip
    assert _numbers(client, "/insights/operations/tickets?" + "&".join(
        f"{k}={v}" for k, v in asked.items())) == [str(t["T0"]), str(t["T1"])]  # fmt: skip


def test_a_bad_question_is_answered_precisely(client: TestClient, cast: Cast) -> None:
    _signed_in(client, cast.leo.email)
    for query, words in [
        ({"within_days": "0"}, "within days must be a whole number from 1 to 90"),
        ({"within_days": "²"}, "within days must be a whole number from 1 to 90"),
        ({"at": "2999-01-01T00:00"}, "at must not be in the future"),
        ({"at": "yesterday"}, "at must be a date and time"),
        ({"at": "0001-01-01T00:00+14:00"}, "at must be a date and time"),
        ({"from": "2026-03-10", "to": "2026-03-02"}, "to must not be before from"),
    ]:
        page = client.get("/insights/operations", params=query)
        assert page.status_code == 422
        assert words in html.unescape(page.text)
