"""A rule's trigger must be a catalogued event kind that rules may use: a typo, or a kind that
is not about a ticket, is refused when the rule is saved (API and YAML import), never stored
as a rule that silently never fires."""

from __future__ import annotations

import yaml
from fastapi.testclient import TestClient
from tests.conftest import Cast

from minidesk.event_kinds import RULE_EVENTS

RULE = {
    "name": "Tag refunds",
    "event": "message.received",
    "actions": [{"type": "add_tags", "tags": ["seen"]}],
}


def test_maya_cannot_save_a_rule_on_a_misspelt_event(client: TestClient, cast: Cast) -> None:
    response = client.post(
        "/api/v1/rules", json={**RULE, "event": "message.recieved"}, headers=cast.maya.headers
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    [error] = response.json()["errors"]
    assert error["field"] == "event"
    assert error["message"].startswith("'message.recieved' is not an event kind; rules may use: ")
    allowed = error["message"].split("rules may use: ")[1].split(", ")
    assert allowed == ["time", *sorted(RULE_EVENTS)]
    assert client.get("/api/v1/rules", headers=cast.maya.headers).json()["items"] == []


def test_maya_cannot_trigger_a_rule_on_an_event_without_a_ticket(
    client: TestClient, cast: Cast
) -> None:
    response = client.post(
        "/api/v1/rules", json={**RULE, "event": "user.created"}, headers=cast.maya.headers
    )
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "event"
    assert error["message"].startswith("'user.created' cannot trigger a rule; rules may use: ")


def test_a_rule_cannot_be_patched_onto_a_loop(client: TestClient, cast: Cast) -> None:
    created = client.post("/api/v1/rules", json=RULE, headers=cast.maya.headers).json()
    response = client.patch(
        f"/api/v1/rules/{created['id']}", json={"event": "rule.fired"}, headers=cast.maya.headers
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"].startswith("'rule.fired' cannot trigger")


def test_a_yaml_import_names_the_rule_with_the_unknown_event(
    client: TestClient, cast: Cast
) -> None:
    document = {"rules": [RULE, {**RULE, "name": "Second", "event": "ticket.closed"}]}
    response = client.post(
        "/api/v1/rules/import",
        content=yaml.safe_dump(document),
        headers={**cast.maya.headers, "Content-Type": "application/yaml"},
    )
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "rules[1].event"
    assert "'ticket.closed' is not an event kind" in error["message"]
    assert client.get("/api/v1/rules", headers=cast.maya.headers).json()["items"] == []


def test_every_rule_event_kind_is_accepted(client: TestClient, cast: Cast) -> None:
    for index, kind in enumerate(sorted(RULE_EVENTS)):
        rule = {**RULE, "name": f"rule {index}", "event": kind}
        assert client.post("/api/v1/rules", json=rule, headers=cast.maya.headers).status_code == 201
