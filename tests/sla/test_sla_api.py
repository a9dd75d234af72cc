"""The SLA API: who may read and change policies, precise errors, the ticket's ``sla`` object,
and the attainment report (JSON and CSV, narrowed to a restricted lead's teams)."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient
from tests.conftest import Cast
from tests.sla.test_timers import API_POLICY, open_ticket, reply

from minidesk.db import Database, utcnow
from minidesk.desk import workspace
from minidesk.events import SYSTEM
from minidesk.sla.defaults import DEFAULTS

V1 = "/api/v1"


def test_an_agent_may_not_read_policies_and_a_lead_may_not_change_them(
    client: TestClient, cast: Cast, default_policies: None
) -> None:
    assert client.get(f"{V1}/sla-policies", headers=cast.alice.headers).status_code == 403
    response = client.post(f"{V1}/sla-policies", json=API_POLICY, headers=cast.leo.headers)
    assert response.status_code == 403
    listed = client.get(f"{V1}/sla-policies", headers=cast.leo.headers)
    assert listed.status_code == 200
    assert [p["name"] for p in listed.json()["items"]] == [p["name"] for p in DEFAULTS]


def test_an_invalid_policy_is_a_problem_naming_its_field(client: TestClient, cast: Cast) -> None:
    bad = {**API_POLICY, "targets": {"first_response": {"seconds": 0}, "reply_time": {}}}
    response = client.post(f"{V1}/sla-policies", json=bad, headers=cast.olivia.headers)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    fields = {error["field"] for error in response.json()["errors"]}
    assert "targets.first_response.seconds" in fields
    assert any(field.startswith("targets.reply_time") for field in fields)
    hours = {**API_POLICY, "business_hours": {"timezone": "Mars/Olympus"}}
    response = client.post(f"{V1}/sla-policies", json=hours, headers=cast.olivia.headers)
    assert response.status_code == 422
    assert "unknown timezone" in response.json()["detail"]


def test_an_admin_creates_reorders_and_deletes_a_policy(
    client: TestClient, cast: Cast, database: Database
) -> None:
    created = client.post(f"{V1}/sla-policies", json=API_POLICY, headers=cast.olivia.headers)
    assert created.status_code == 201, created.text
    policy = created.json()
    again = client.post(f"{V1}/sla-policies", json=API_POLICY, headers=cast.olivia.headers)
    assert again.status_code == 422 and "exists" in again.json()["detail"]
    moved = client.patch(
        f"{V1}/sla-policies/{policy['id']}", json={"position": 999}, headers=cast.olivia.headers
    )
    assert moved.status_code == 200 and moved.json()["position"] == 999
    assert moved.json()["targets"] == policy["targets"]
    listed = client.get(f"{V1}/sla-policies", headers=cast.leo.headers).json()["items"]
    assert listed[-1]["id"] == policy["id"]
    gone = client.delete(f"{V1}/sla-policies/{policy['id']}", headers=cast.olivia.headers)
    assert gone.status_code == 204
    assert (
        client.get(f"{V1}/sla-policies/{policy['id']}", headers=cast.leo.headers).status_code == 404
    )


def test_every_ticket_shows_its_targets_and_due_times(client: TestClient, cast: Cast) -> None:
    client.post(f"{V1}/sla-policies", json=API_POLICY, headers=cast.olivia.headers)
    ticket = open_ticket(client, cast)
    sla = client.get(f"{V1}/tickets/{ticket}", headers=cast.olivia.headers).json()["sla"]
    assert sla["policy"] == "API integrations"
    assert sla["first_response_due_at"] is not None and sla["resolution_due_at"] is not None
    assert sla["targets"]["first_response"]["state"] == "running"
    assert sla["breached"] is False
    reply(client, cast, ticket)
    listed = client.get(f"{V1}/tickets", headers=cast.olivia.headers).json()["items"]
    first = listed[0]["sla"]["targets"]["first_response"]
    assert first["state"] == "met" and listed[0]["sla"]["first_response_due_at"] is None


def _report(client: TestClient, who: dict[str, str], **query: str) -> dict[str, object]:
    today = utcnow().date().isoformat()
    params = {"since": today, "until": today, **query}
    response = client.get(f"{V1}/reports/sla", params=params, headers=who)
    assert response.status_code == 200, response.text
    result: dict[str, object] = response.json()
    return result


def test_the_report_counts_met_and_breached_and_exports_csv(
    client: TestClient, cast: Cast, database: Database
) -> None:
    named = {**API_POLICY, "name": '=HYPERLINK("http://evil")'}
    client.post(f"{V1}/sla-policies", json=named, headers=cast.olivia.headers)
    ticket = open_ticket(client, cast)
    reply(client, cast, ticket)
    report = _report(client, cast.maya.headers, by="policy", metric="first_response")
    assert report["items"] == [
        {"key": report["items"][0]["key"], "label": named["name"], "metric": "first_response",  # type: ignore[index]
         "met": 1, "breached": 0, "total": 1, "share": 1.0}
    ]  # fmt: skip
    today = utcnow().date().isoformat()
    exported = client.get(
        f"{V1}/reports/sla",
        params={"since": today, "until": today, "by": "channel", "format": "csv"},
        headers=cast.maya.headers,
    )
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert rows[0]["label"] == "api" and rows[0]["met"] == "1"
    by_policy = client.get(
        f"{V1}/reports/sla",
        params={"since": today, "until": today, "format": "csv"},
        headers=cast.maya.headers,
    ).text
    # A spreadsheet must not run a policy's name as a formula.
    assert "'=HYPERLINK" in by_policy


def test_a_restricted_lead_sees_only_their_teams_attainment(
    client: TestClient, cast: Cast, database: Database
) -> None:
    with database.transaction() as session:
        workspace.do_update_workspace(session, {"restrict_agents_to_teams": True}, SYSTEM)
    client.post(f"{V1}/sla-policies", json=API_POLICY, headers=cast.olivia.headers)
    ticket = open_ticket(client, cast)
    client.patch(
        f"{V1}/tickets/{ticket}", json={"team_id": cast.billing_team}, headers=cast.olivia.headers
    )
    reply(client, cast, ticket)
    assert _report(client, cast.leo.headers)["items"] == []
    assert _report(client, cast.maya.headers)["items"] != []


def test_a_backwards_range_is_refused(client: TestClient, cast: Cast) -> None:
    response = client.get(
        f"{V1}/reports/sla",
        params={"since": "2026-02-01", "until": "2026-01-01"},
        headers=cast.leo.headers,
    )
    assert response.status_code == 422
    assert response.json()["type"].endswith("invalid-range")
