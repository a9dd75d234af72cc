"""A health or safety report is a product-quality incident: P1, a checklist on the ticket,
operations and compliance notified, and a senior manager pulled in when nobody acknowledges
it within the deadline."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from tests.conftest import Cast
from tests.escalation.conftest import escalations, events_of, open_ticket

from minidesk.db import Database
from minidesk.desk import users
from minidesk.desk.models import User
from minidesk.escalation import sweeper
from minidesk.events import SYSTEM

BURN = "The kettle burned my hand when the lid flew off."


def operations(client: TestClient, cast: Cast, database: Database) -> None:
    """Bob's team (Billing) plays operations, Support compliance; they have 12 hours."""
    response = client.put(
        "/api/v1/escalation-settings",
        json={
            "operations_team_id": cast.billing_team,
            "compliance_team_id": cast.support_team,
            "acknowledge_hours": 12,
        },
        headers=cast.maya.headers,
    )
    assert response.status_code == 200, response.text


def incident(client: TestClient, cast: Cast, ticket: int) -> dict[str, object]:
    response = client.get(f"/api/v1/tickets/{ticket}/incident", headers=cast.olivia.headers)
    assert response.status_code == 200, response.text
    found: dict[str, object] = response.json()
    return found


def test_a_burn_opens_an_incident_and_notifies_operations_and_compliance(
    client: TestClient, cast: Cast, database: Database, default_rules: None
) -> None:
    operations(client, cast, database)
    ticket = open_ticket(client, cast, BURN)
    found = incident(client, cast, ticket)
    assert [item["item"] for item in found["checklist"]] == [  # type: ignore[attr-defined]
        "isolate_batch",
        "collect_photos",
        "notify_operations",
        "notify_compliance",
        "customer_follow_up",
        "close_out",
    ]
    # bob (Billing), leo and alice (Support)
    assert sorted(found["notified_user_ids"]) == sorted(  # type: ignore[type-var]
        [cast.bob.id, cast.leo.id, cast.alice.id]
    )
    opened = dt.datetime.fromisoformat(str(found["opened_at"]))
    assert dt.datetime.fromisoformat(str(found["due_at"])) - opened == dt.timedelta(hours=12)
    got = client.get(f"/api/v1/tickets/{ticket}", headers=cast.olivia.headers).json()
    assert got["priority"] == "P1" and got["tier"] == 3
    [escalation] = escalations(client, cast, ticket)["items"]
    assert escalation["target"] == "incident"
    assert escalation["reason"] == "health or safety word 'burned' under rule 'Health and safety'"
    [opened_event] = events_of(database, "incident.opened", ticket)
    assert opened_event.data["notify_team_ids"] == [cast.billing_team, cast.support_team]


def test_the_checklist_is_ticked_through_the_api_and_closes_the_incident(
    client: TestClient, cast: Cast, database: Database, default_rules: None
) -> None:
    ticket = open_ticket(client, cast, BURN)
    items = [item["item"] for item in incident(client, cast, ticket)["checklist"]]  # type: ignore[attr-defined]
    for item in items:
        response = client.put(
            f"/api/v1/tickets/{ticket}/incident/checklist/{item}",
            json={"done": True},
            headers=cast.alice.headers,
        )
        assert response.status_code == 200, response.text
    done = incident(client, cast, ticket)
    assert all(item["done"] and item["by"] == cast.alice.id for item in done["checklist"])  # type: ignore[attr-defined]
    assert done["closed_at"] is not None
    client.put(
        f"/api/v1/tickets/{ticket}/incident/checklist/close_out",
        json={"done": False},
        headers=cast.alice.headers,
    )
    assert incident(client, cast, ticket)["closed_at"] is None
    assert len(events_of(database, "incident.item_checked", ticket)) == 7
    unknown = client.put(
        f"/api/v1/tickets/{ticket}/incident/checklist/pray",
        json={"done": True},
        headers=cast.alice.headers,
    )
    assert unknown.status_code == 422
    extra = client.put(
        f"/api/v1/tickets/{ticket}/incident/checklist/close_out",
        json={"done": True, "when": "now"},
        headers=cast.alice.headers,
    )
    assert extra.status_code == 422 and extra.json()["errors"][0]["field"] == "when"


def test_operations_acknowledge_and_the_deadline_stops(
    client: TestClient, cast: Cast, database: Database, default_rules: None
) -> None:
    operations(client, cast, database)
    ticket = open_ticket(client, cast, BURN)
    due = dt.datetime.fromisoformat(str(incident(client, cast, ticket)["due_at"]))
    path = f"/api/v1/tickets/{ticket}/incident/acknowledge"
    assert client.post(path, headers=cast.bob.headers).status_code == 200
    assert client.post(path, headers=cast.leo.headers).status_code == 409
    assert sweeper.fire_due(due + dt.timedelta(hours=1)) == 0
    assert len(escalations(client, cast, ticket)["items"]) == 1  # only the opening one


def test_someone_outside_operations_and_compliance_cannot_acknowledge(
    client: TestClient, cast: Cast, database: Database, default_rules: None
) -> None:
    ticket = open_ticket(client, cast, BURN)  # no teams configured: only managers may
    path = f"/api/v1/tickets/{ticket}/incident/acknowledge"
    refused = client.post(path, headers=cast.alice.headers)
    assert refused.status_code == 403
    assert refused.json()["detail"] == (
        "only operations, compliance or a manager acknowledge an incident"
    )
    assert client.post(path, headers=cast.maya.headers).status_code == 200


def test_an_unacknowledged_incident_goes_to_a_senior_manager_once(
    client: TestClient, cast: Cast, database: Database, default_rules: None
) -> None:
    ticket = open_ticket(client, cast, BURN)
    due = dt.datetime.fromisoformat(str(incident(client, cast, ticket)["due_at"]))
    assert sweeper.fire_due(due - dt.timedelta(seconds=1)) == 0
    assert sweeper.fire_due(due) == 1
    assert sweeper.fire_due(due + dt.timedelta(hours=1)) == 0
    last = escalations(client, cast, ticket)["items"][-1]
    assert last["reason"] == ("incident not acknowledged by operations or compliance within 24 h")
    assert last["target_user_ids"] == [cast.maya.id]
    assert incident(client, cast, ticket)["escalated_at"] is not None


def test_settings_refuse_a_team_that_does_not_exist(client: TestClient, cast: Cast) -> None:
    response = client.put(
        "/api/v1/escalation-settings",
        json={"compliance_team_id": 999_999},
        headers=cast.maya.headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "compliance_team_id", "message": "no team 999999"}
    ]
    with_null = client.put(
        "/api/v1/escalation-settings", json={"acknowledge_hours": None}, headers=cast.maya.headers
    )
    assert with_null.status_code == 422


def test_a_deactivated_member_is_not_notified(
    client: TestClient, cast: Cast, database: Database, default_rules: None
) -> None:
    operations(client, cast, database)
    with database.transaction() as session:
        users.do_deactivate(session, session.get_one(User, cast.bob.id), SYSTEM)
    ticket = open_ticket(client, cast, BURN)
    assert cast.bob.id not in incident(client, cast, ticket)["notified_user_ids"]  # type: ignore[operator]
