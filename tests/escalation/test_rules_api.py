"""The escalation matrix is data: the defaults are there, managers edit them, bad rules are
refused field by field."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.conftest import Cast

RULES = "/api/v1/escalation-rules"
NEW_RULE = {
    "name": "Unresolved a business day",
    "trigger": {"kind": "unresolved", "hours": 8, "business": True},
    "target": "team_lead",
    "tier": 2,
}


def test_a_fresh_workspace_has_the_issue_s_matrix(
    client: TestClient, cast: Cast, default_rules: None
) -> None:
    body = client.get(RULES, headers=cast.leo.headers).json()
    rules = {rule["name"]: rule for rule in body["items"]}
    assert rules["Unresolved 48 hours"]["trigger"] == {
        "kind": "unresolved",
        "hours": 48,
        "business": False,
    }
    assert rules["Unresolved 48 hours"]["target"] == "team_lead"
    assert rules["Refund over $200"]["trigger"]["amount_minor"] == 20000
    assert rules["Refund over $200"]["target"] == "senior_manager"
    assert rules["Legal words"]["target"] == "senior_manager"
    assert rules["Health and safety"]["target"] == "incident"
    assert all(rule["enabled"] for rule in rules.values())


def test_maya_creates_changes_and_deletes_a_rule(
    client: TestClient, cast: Cast, default_rules: None
) -> None:
    created = client.post(RULES, json=NEW_RULE, headers=cast.maya.headers)
    assert created.status_code == 201, created.text
    rule = created.json()
    assert rule["trigger"]["business"] is True
    changed = client.patch(
        f"{RULES}/{rule['id']}", json={"tier": 3, "enabled": False}, headers=cast.maya.headers
    )
    assert changed.status_code == 200 and changed.json()["tier"] == 3
    assert changed.json()["enabled"] is False
    assert changed.json()["name"] == NEW_RULE["name"]
    deleted = client.delete(f"{RULES}/{rule['id']}", headers=cast.maya.headers)
    assert deleted.status_code == 204
    assert client.get(f"{RULES}/{rule['id']}", headers=cast.maya.headers).status_code == 404


def test_leo_reads_the_matrix_but_cannot_change_it(client: TestClient, cast: Cast) -> None:
    assert client.get(RULES, headers=cast.leo.headers).status_code == 200
    refused = client.post(RULES, json=NEW_RULE, headers=cast.leo.headers)
    assert refused.status_code == 403
    assert "manage escalations needs the manager role" in refused.json()["detail"]
    assert client.get(RULES, headers=cast.alice.headers).status_code == 403


def test_a_bad_rule_is_refused_field_by_field(client: TestClient, cast: Cast) -> None:
    cases = [
        ({**NEW_RULE, "trigger": {"kind": "unresolved", "hours": 0}}, "trigger.unresolved.hours"),
        ({**NEW_RULE, "trigger": {"kind": "someday"}}, "trigger"),
        ({**NEW_RULE, "tier": 4}, "tier"),
        ({**NEW_RULE, "target": "the boss"}, "target"),
        ({**NEW_RULE, "colour": "red"}, "colour"),
        (
            {
                **NEW_RULE,
                "trigger": {"kind": "refund_over", "amount_minor": 100, "currency": "usd"},
            },
            "trigger.refund_over.currency",
        ),
        ({**NEW_RULE, "trigger": {"kind": "legal_words", "hours": 3}}, "trigger.legal_words.hours"),
    ]
    for body, field in cases:
        response = client.post(RULES, json=body, headers=cast.maya.headers)
        assert response.status_code == 422, (body, response.text)
        problem = response.json()
        assert response.headers["content-type"] == "application/problem+json"
        assert problem["type"].endswith("/invalid-escalation-rule")
        assert field in [error["field"] for error in problem["errors"]], (field, problem)


def test_only_a_health_and_safety_report_opens_an_incident(client: TestClient, cast: Cast) -> None:
    body = {**NEW_RULE, "target": "incident"}
    response = client.post(RULES, json=body, headers=cast.maya.headers)
    assert response.status_code == 422
    assert "target 'incident' needs trigger kind 'health_safety'" in response.json()["detail"]


def test_two_rules_cannot_share_a_name(client: TestClient, cast: Cast, default_rules: None) -> None:
    response = client.post(
        RULES, json={**NEW_RULE, "name": "legal WORDS"}, headers=cast.maya.headers
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "name", "message": "a rule named 'legal WORDS' exists"}
    ]
