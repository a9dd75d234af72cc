"""The rules API: managers only, strict inputs, precise errors, YAML export/import that is
all or nothing; and the templates API with macros for agents."""

from __future__ import annotations

import yaml
from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound

RULE = {
    "name": "VIPs first",
    "event": "message.received",
    "conditions": [{"type": "customer_tag", "any_of": ["vip"]}],
    "actions": [{"type": "set_priority", "priority": "P2"}],
}


def test_only_managers_and_admins_manage_rules(client: TestClient, cast: Cast) -> None:
    denied = client.post("/api/v1/rules", json=RULE, headers=cast.leo.headers)
    assert denied.status_code == 403
    assert denied.headers["content-type"] == "application/problem+json"
    assert client.get("/api/v1/rules", headers=cast.alice.headers).status_code == 403
    created = client.post("/api/v1/rules", json=RULE, headers=cast.olivia.headers)
    assert created.status_code == 201
    rule_id = created.json()["id"]
    listed = client.get("/api/v1/rules", headers=cast.maya.headers).json()["items"]
    assert [r["name"] for r in listed] == ["VIPs first"]
    patched = client.patch(
        f"/api/v1/rules/{rule_id}", json={"enabled": False}, headers=cast.maya.headers
    )
    assert patched.status_code == 200 and patched.json()["enabled"] is False
    assert client.delete(f"/api/v1/rules/{rule_id}", headers=cast.maya.headers).status_code == 204
    assert client.get(f"/api/v1/rules/{rule_id}", headers=cast.maya.headers).status_code == 404


def test_errors_name_the_field(client: TestClient, cast: Cast) -> None:
    bad = {
        **RULE,
        "conditions": [{"type": "priority", "any_of": ["P9"]}, {"type": "moon_phase"}],
        "actions": [{"type": "set_team", "team": "Nope"}, {"type": "set_tier", "tier": 2, "x": 1}],
    }
    response = client.post("/api/v1/rules", json=bad, headers=cast.maya.headers)
    assert response.status_code == 422
    fields = [e["field"] for e in response.json()["errors"]]
    assert fields == [
        "conditions[0].any_of[0]",
        "conditions[1].type",
        "actions[0].team",
        "actions[1].x",
    ]
    typo = client.post("/api/v1/rules", json={**RULE, "evnet": "x"}, headers=cast.maya.headers)
    assert typo.status_code == 422 and "evnet" in typo.json()["detail"]
    dup = [client.post("/api/v1/rules", json=RULE, headers=cast.maya.headers) for _ in range(2)]
    assert dup[1].status_code == 422 and dup[1].json()["errors"][0]["field"] == "name"
    timed = {**RULE, "name": "t", "event": "time", "after": "3 days", "status": "pending"}
    response = client.post("/api/v1/rules", json=timed, headers=cast.maya.headers)
    assert response.json()["errors"] == [
        {"field": "after", "message": "'3 days' is not a duration like 30m, 72h or 3d"}
    ]


def test_a_type_that_is_not_a_name_is_an_error_not_a_crash(
    client: TestClient, cast: Cast
) -> None:
    # Found by the API fuzzer: a dict or list as a condition's or action's type was looked up
    # in the registry as it was, and a 500 answered (TypeError: unhashable type).
    for kind in ("conditions", "actions"):
        for odd in ({"a": 1}, ["customer_tag"], 7, None):
            body = {**RULE, kind: [{"type": odd}]}
            response = client.post("/api/v1/rules", json=body, headers=cast.olivia.headers)
            assert response.status_code == 422, (kind, odd, response.text)
            assert response.json()["errors"][0]["field"] == f"{kind}[0].type"


def test_yaml_round_trip_and_all_or_nothing_import(client: TestClient, cast: Cast) -> None:
    client.post("/api/v1/rules", json=RULE, headers=cast.maya.headers)
    exported = client.get("/api/v1/rules/export", headers=cast.maya.headers)
    assert exported.headers["content-type"].startswith("application/yaml")
    document = yaml.safe_load(exported.text)
    assert document["rules"][0]["conditions"] == RULE["conditions"]
    document["rules"][0]["actions"] = [{"type": "set_priority", "priority": "P1"}]
    document["rules"].append({**RULE, "name": "Second", "actions": [{"type": "bogus"}]})
    yaml_headers = {**cast.maya.headers, "Content-Type": "application/yaml"}
    refused = client.post(
        "/api/v1/rules/import", content=yaml.safe_dump(document), headers=yaml_headers
    )
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["rules[1].actions[0].type"]
    current = client.get("/api/v1/rules", headers=cast.maya.headers).json()["items"]
    assert current[0]["actions"] == RULE["actions"]  # nothing changed
    document["rules"][1]["actions"] = [{"type": "add_tags", "tags": ["x"]}]
    accepted = client.post(
        "/api/v1/rules/import", content=yaml.safe_dump(document), headers=yaml_headers
    )
    assert accepted.json() == {"created": 1, "updated": 1}
    current = client.get("/api/v1/rules", headers=cast.maya.headers).json()["items"]
    assert [r["actions"][0].get("priority") for r in current] == ["P1", None]


def test_templates_listed_for_agents_and_changed_by_managers(
    client: TestClient, cast: Cast
) -> None:
    listed = client.get("/api/v1/templates", headers=cast.alice.headers).json()["items"]
    assert {"refund_offer", "order_status", "handoff"} <= {t["key"] for t in listed}
    body = {
        "key": "thanks",
        "name": "Thanks",
        "tokens": ["customer_name"],
        "variants": {
            "A": {
                "default": {
                    "body": "Thanks {{ customer_nam }}! {{ cta }}",
                    "cta": "Rate us.",
                    "subject": "Thanks",
                }
            }
        },
    }
    assert (
        client.post("/api/v1/templates", json=body, headers=cast.alice.headers).status_code == 403
    )
    refused = client.post("/api/v1/templates", json=body, headers=cast.maya.headers)
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {
            "field": "variants.A.default.body",
            "message": "uses token 'customer_nam', which the template does not declare",
        }
    ]
    body["variants"]["A"]["default"]["body"] = "Thanks {{ customer_name }}! {{ cta }}"  # type: ignore[index]
    assert client.post("/api/v1/templates", json=body, headers=cast.maya.headers).status_code == 201
    preview = client.post(
        "/api/v1/templates/thanks/preview", json={"channel": "email"}, headers=cast.alice.headers
    )
    assert preview.json()["text"] == "Thanks Emma! Rate us."
    assert preview.json()["subject"] == "Thanks"


def test_agent_replies_with_a_macro(client: TestClient, cast: Cast) -> None:
    number = inbound(client, cast.alice, "Where is it?", "m-1", name="Emma Garcia")["ticket_number"]
    url = f"/api/v1/tickets/{number}/macros/order_status"
    missing = client.post(
        url, json={"variables": {"order_number": "1001"}}, headers=cast.alice.headers
    )
    assert missing.status_code == 422 and "carrier" in missing.json()["detail"]
    variables = {
        "order_number": "1001",
        "carrier": "DHL",
        "tracking_number": "JD1",
        "tracking_url": "https://t.example/JD1",
        "eta": "Friday",
    }
    sent = client.post(url, json={"variables": variables}, headers=cast.alice.headers)
    assert sent.status_code == 201, sent.text
    message = sent.json()
    assert message["meta"] == {"template": "order_status", "variant": "A", "language": "en"}
    assert message["text"].startswith("Hi Emma,") and message["text"].endswith("Alice")
    assert message["author_id"] == cast.alice.id and not message["automated"]
