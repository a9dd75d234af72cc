"""Escalations the matrix makes as soon as something happens: legal words and a refund over
the approval line go to a senior manager, a health or safety report opens an incident. Each
says why."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound
from tests.escalation.conftest import escalations, events_of, open_ticket
from tests.resolutions.conftest import EMMA

from minidesk.db import Database


def test_a_lawyer_sends_the_ticket_to_a_senior_manager_at_once(
    client: TestClient, cast: Cast, database: Database, default_rules: None
) -> None:
    ticket = open_ticket(client, cast, "My lawyer will hear about this broken blender.")
    history = escalations(client, cast, ticket)
    assert history["tier"] == 3
    [escalation] = history["items"]
    assert escalation["reason"] == "legal word 'lawyer' under rule 'Legal words'"
    assert escalation["target"] == "senior_manager"
    assert escalation["target_user_ids"] == [cast.maya.id]
    assert escalation["rule_name"] == "Legal words" and escalation["actor_type"] == "system"
    [event] = events_of(database, "ticket.escalated", ticket)
    assert event.data["target_label"] == "a senior manager"
    assert event.data["escalation_id"] == escalation["id"]
    # On the timeline agents read.
    timeline = client.get(f"/api/v1/tickets/{ticket}/timeline", headers=cast.maya.headers)
    assert "ticket.escalated" in [item["kind"] for item in timeline.json()["items"]]


def test_a_second_legal_message_does_not_escalate_again(
    client: TestClient, cast: Cast, database: Database, default_rules: None
) -> None:
    ticket = open_ticket(client, cast, "I will sue you.")
    inbound(client, cast.shop, "My attorney says the same.", "m2")
    assert len(escalations(client, cast, ticket)["items"]) == 1


def test_a_refund_over_200_dollars_goes_to_a_senior_manager(
    client: TestClient, cast: Cast, store: Database, default_rules: None
) -> None:
    body = inbound(client, cast.shop, "Please refund $250 for order 1007", "b1", email=EMMA)
    ticket = int(str(body["ticket_number"]))
    items = escalations(client, cast, ticket)["items"]
    reasons = [item["reason"] for item in items]
    assert "refund $250.00 over the $200.00 approval line" in reasons
    assert escalations(client, cast, ticket)["tier"] == 3


def test_a_refund_within_the_line_escalates_nothing(
    client: TestClient, cast: Cast, store: Database, default_rules: None
) -> None:
    body = inbound(client, cast.shop, "Please refund $150 for order 1007", "b1", email=EMMA)
    ticket = int(str(body["ticket_number"]))
    assert escalations(client, cast, ticket)["items"] == []


def test_a_disabled_rule_fires_nothing(
    client: TestClient, cast: Cast, database: Database, default_rules: None
) -> None:
    rules = client.get("/api/v1/escalation-rules", headers=cast.maya.headers).json()["items"]
    legal = next(rule for rule in rules if rule["name"] == "Legal words")
    client.patch(
        f"/api/v1/escalation-rules/{legal['id']}",
        json={"enabled": False},
        headers=cast.maya.headers,
    )
    ticket = open_ticket(client, cast, "A chargeback is coming.")
    assert escalations(client, cast, ticket)["items"] == []
