"""Remediation pilots and their payback (docs/metrics.md), computed by hand on a timeline of
our own, and who may record, read and delete them.

Intent "order_status" against the rest, one customer message per ticket, at 30.00 EUR an hour:
    baseline 1-14 Mar: 6 order_status tickets of 600 s each (5.00 of handle time), 6 others
    pilot 15-28 Mar:   2 order_status tickets (Support), 8 others (Billing)
Expected in the pilot at the baseline share 6/12 of its 10 contacts: 5; avoided 5 - 2 = 3,
or 3/14 x 365/12 = 6.5179 a month, each saving 5.00: 32.59 a month, less 20.00 running:
12.59 (1,259 cents); 500.00 invested pays back in 50,000 / 1,259 = 39.7 months.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Cast
from tests.desk.visibility_world import restrict
from tests.insights.cost_timeline import COSTS, eur
from tests.insights.timeline import Writer, at
from tests.web.ui.test_ticket_pages import _signed_in

from minidesk.db import Database
from minidesk.events import Event
from minidesk.insights.rollup import rebuild
from minidesk.insights.work_models import WorkTime

URL = "/api/v1/reports/pilots"
PRICES = {"agent_hour": eur(3000), "tooling_month": eur(36500), "sms_message": eur(0),
          "whatsapp_message": eur(0)}  # fmt: skip
PILOT = {"name": "Tracking page", "intent": "order_status", "started_on": "2026-03-15",
         "ended_on": "2026-03-28", "baseline_days": 14, "investment": eur(50000),
         "running_month": eur(2000), "notes": "a tracking link in every mail"}  # fmt: skip


@pytest.fixture
def timeline(database: Database, cast: Cast, client: TestClient) -> None:
    w = Writer(database)
    support, billing = cast.support_team, cast.billing_team
    worked = []
    for day in (1, 3, 5, 7, 9, 11):
        worked.append((w.ticket("email", cast.alice.id, support, "order_status", at(day, 10),
                                None), day))  # fmt: skip
        w.ticket("email", cast.bob.id, billing, "invoice", at(day + 1, 10), None)
    for day in (16, 20):
        w.ticket("email", cast.alice.id, support, "order_status", at(day, 10), None)
    for day in range(15, 23):
        w.ticket("chat", cast.bob.id, billing, "invoice", at(day, 11), None)
    with database.transaction() as session:
        for ticket, day in worked:
            session.add(WorkTime(user_id=cast.alice.id, ticket_id=ticket, visit=f"v{ticket}",
                                 seconds=600, day=dt.date(2026, 3, day),
                                 last_beat_at=at(day, 12)))  # fmt: skip
    with database.transaction() as session:
        rebuild(session)
    assert client.put(COSTS, json=PRICES, headers=cast.olivia.headers).status_code == 200


def test_payback_of_a_pilot_by_hand(client: TestClient, cast: Cast, timeline: None) -> None:
    made = client.post(URL, json=PILOT, headers=cast.maya.headers)
    assert made.status_code == 201, made.text
    pilot = made.json()
    assert pilot["baseline"] == {
        "from": "2026-03-01", "to": "2026-03-14", "days": 14, "contacts": 6, "all_contacts": 12,
        "share": 0.5, "cost_per_contact": pytest.approx(pilot["baseline"]["cost_per_contact"]),
        "variable_cost_per_contact": 500.0}  # fmt: skip
    assert (pilot["pilot"]["contacts"], pilot["pilot"]["all_contacts"]) == (2, 10)
    assert pilot["status"] == "ended"
    assert pilot["expected_contacts"] == 5.0
    assert pilot["avoided_contacts"] == 3.0
    assert pilot["avoided_per_month"] == round(3 / 14 * 365 / 12, 2)
    assert pilot["saving_per_month"] == 1259
    assert pilot["payback_months"] == 39.7
    # Two-proportion z-test, pooled: 6/12 against 2/10.
    pooled = 8 / 22
    z = (6 / 12 - 2 / 10) / math.sqrt(pooled * (1 - pooled) * (1 / 12 + 1 / 10))
    assert pilot["p_value"] == round(math.erfc(z / math.sqrt(2)), 4)
    assert pilot["significant"] is False  # 12 and 10 contacts say little
    assert client.get(f"{URL}/{pilot['id']}", headers=cast.leo.headers).json() == pilot
    listed = client.get(URL, headers=cast.leo.headers).json()
    assert listed == {"currency": "EUR", "items": [pilot]}


def test_a_pilot_that_saves_less_than_it_costs_never_pays_back(
    client: TestClient, cast: Cast, timeline: None
) -> None:
    costly = {**PILOT, "running_month": eur(5000)}
    pilot = client.post(URL, json=costly, headers=cast.maya.headers).json()
    assert pilot["saving_per_month"] == 3259 - 5000
    assert pilot["payback_months"] is None


def test_a_pilot_not_started_or_without_a_baseline_has_no_figures(
    client: TestClient, cast: Cast, timeline: None
) -> None:
    future = {**PILOT, "started_on": "2099-01-01", "ended_on": None}
    pilot = client.post(URL, json=future, headers=cast.maya.headers).json()
    assert (pilot["status"], pilot["pilot"], pilot["payback_months"]) == ("not started", None, None)
    today = dt.datetime.now(dt.UTC).date().isoformat()
    live = client.post(URL, json={**PILOT, "started_on": today, "ended_on": None},
                       headers=cast.maya.headers).json()  # fmt: skip
    assert (live["status"], live["pilot"]) == ("first day running", None)
    before = {**PILOT, "started_on": "2025-01-01", "ended_on": "2025-02-01"}
    pilot = client.post(URL, json=before, headers=cast.maya.headers).json()
    assert pilot["baseline"]["all_contacts"] == 0
    assert (pilot["avoided_contacts"], pilot["payback_months"]) == (None, None)


def test_a_restricted_lead_reads_the_payback_over_their_teams(
    client: TestClient, cast: Cast, timeline: None
) -> None:
    pilot = client.post(URL, json=PILOT, headers=cast.maya.headers).json()
    restrict(client, cast)
    # Leo leads Support: only the order_status tickets, all of his contacts are that intent.
    seen = client.get(f"{URL}/{pilot['id']}", headers=cast.leo.headers).json()
    assert (seen["baseline"]["contacts"], seen["baseline"]["all_contacts"]) == (6, 6)
    assert (seen["pilot"]["contacts"], seen["pilot"]["all_contacts"]) == (2, 2)
    assert seen["avoided_contacts"] == 0.0


def test_who_may_record_read_change_and_delete_pilots(
    client: TestClient, cast: Cast, database: Database, timeline: None
) -> None:
    assert client.get(URL, headers=cast.alice.headers).status_code == 403
    assert client.post(URL, json=PILOT, headers=cast.leo.headers).status_code == 403
    made = client.post(URL, json=PILOT, headers=cast.maya.headers).json()
    path = f"{URL}/{made['id']}"
    assert client.patch(path, json={"name": "x"}, headers=cast.leo.headers).status_code == 403
    changed = client.patch(path, json={"name": "Tracking page v2"}, headers=cast.maya.headers)
    assert changed.json()["name"] == "Tracking page v2"
    assert client.delete(path, headers=cast.leo.headers).status_code == 403
    assert client.delete(path, headers=cast.olivia.headers).status_code == 204
    assert client.get(path, headers=cast.leo.headers).status_code == 404
    with database.sessions() as session:
        recorded = select(Event).where(Event.kind.startswith("pilot.")).order_by(Event.id)
        kinds = [(e.kind, e.data["before"] is None, e.data["after"] is None)
                 for e in session.scalars(recorded)]  # fmt: skip
    assert kinds == [("pilot.saved", True, False), ("pilot.saved", False, False),
                     ("pilot.deleted", False, True)]  # fmt: skip


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({**PILOT, "ended_on": "2026-03-01"}, "ended_on must not be before started_on"),
        ({**PILOT, "investment": eur(100, "USD"), "running_month": eur(1, "USD")},
         "amounts must be in the workspace's cost currency, EUR, not USD"),
        ({**PILOT, "running_month": eur(1, "USD")}, "must name one currency"),
        ({**PILOT, "budget": 1}, "budget"),
        ({**PILOT, "baseline_days": 3}, "baseline_days"),
    ],
)  # fmt: skip
def test_a_pilot_that_cannot_be_saved_is_a_precise_problem(
    client: TestClient, cast: Cast, timeline: None, body: dict[str, Any], message: str
) -> None:
    response = client.post(URL, json=body, headers=cast.maya.headers)
    assert response.status_code == 422
    assert message in response.text
    assert client.get(URL, headers=cast.maya.headers).json()["items"] == []


def test_the_root_cause_page_records_lists_and_deletes_pilots(
    client: TestClient, cast: Cast, timeline: None
) -> None:
    csrf = _signed_in(client, cast.maya.email)
    form = {"csrf": csrf, "name": "Tracking page", "intent": "order_status",
            "started_on": "2026-03-15", "ended_on": "2026-03-28", "baseline_days": "14",
            "investment": "500.00", "running_month": "20.00", "notes": ""}  # fmt: skip
    saved = client.post("/insights/pilots", data=form, follow_redirects=True)
    assert saved.status_code == 200 and "Pilot &#39;Tracking page&#39; saved." in saved.text
    page = client.get("/insights/root-causes", params={"from": "2026-03-01", "to": "2026-03-28"})
    table = page.text[page.text.index('id="pilots"') :]
    table = table[: table.index("</table>")]
    # The hand-computed figures of test_payback_of_a_pilot_by_hand, in euros.
    for shown in ("50.0% → 20.0%", "<td>6.52</td>", "<td>12.59</td>", "<td>39.7</td>"):
        assert shown in table, shown
    drivers = page.text[page.text.index('id="drivers"') :]
    assert '<th scope="row">invoice</th><td>14</td>' in drivers  # 6 + 8 invoice tickets
    bad = client.post("/insights/pilots", data={**form, "ended_on": "2026-03-01"})
    assert "ended_on must not be before started_on" in html.unescape(bad.text)
    [pilot] = client.get(URL, headers=cast.maya.headers).json()["items"]
    deleted = client.post(f"/insights/pilots/{pilot['id']}/delete", data={"csrf": csrf})
    assert "Pilot deleted." in deleted.text
    assert client.get(URL, headers=cast.maya.headers).json()["items"] == []


def test_a_lead_reads_pilots_without_the_form_and_cannot_post_one(
    client: TestClient, cast: Cast, timeline: None
) -> None:
    client.post(URL, json=PILOT, headers=cast.maya.headers)
    csrf = _signed_in(client, cast.leo.email)
    page = client.get("/insights/root-causes")
    assert page.status_code == 200
    assert "Tracking page" in page.text and 'id="new-pilot"' not in page.text
    posted = client.post("/insights/pilots", data={
        "csrf": csrf, "name": "x", "intent": "refund", "started_on": "2026-03-01",
        "investment": "1"}, follow_redirects=False)  # fmt: skip
    assert posted.status_code == 403
    assert len(client.get(URL, headers=cast.maya.headers).json()["items"]) == 1


def test_agents_do_not_see_the_root_cause_page(client: TestClient, cast: Cast) -> None:
    csrf = _signed_in(client, cast.alice.email)
    assert client.get("/insights/root-causes").status_code == 403
    posted = client.post("/insights/pilots/1/delete", data={"csrf": csrf}, follow_redirects=False)
    assert posted.status_code == 403
