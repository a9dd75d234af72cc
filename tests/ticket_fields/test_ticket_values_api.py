"""A ticket's ``custom_fields`` are checked against the definitions on every change a person
makes: an unknown key, a wrong type or an option not in the list is a 422 naming each field;
fields required to solve must be filled before a person solves (PATCH or a reply with a
status). Each accepted change is an audited ``ticket.fields_changed`` event."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound
from tests.ticket_fields.fields import define


def _ticket(client: TestClient, cast: Cast) -> int:
    return int(inbound(client, cast.shop, "My kettle came broken", "v-1")["ticket_number"])


def _patch(client: TestClient, cast: Cast, number: int, body: dict[str, Any]) -> Any:
    return client.patch(f"/api/v1/tickets/{number}", json=body, headers=cast.alice.headers)


def test_alice_fills_in_every_type_and_the_timeline_records_it(
    client: TestClient, cast: Cast
) -> None:
    define(client, cast)
    number = _ticket(client, cast)
    values = {
        "order_number": " 1001 ",
        "refund_reason": "damaged",
        "amount": 24.5,
        "promised_on": "2026-12-01",
        "checked_stock": True,
    }
    response = _patch(client, cast, number, {"custom_fields": values})
    assert response.status_code == 200, response.text
    assert response.json()["custom_fields"] == {**values, "order_number": "1001"}
    cleared = _patch(client, cast, number, {"custom_fields": {"amount": None}})
    assert "amount" not in cleared.json()["custom_fields"]
    timeline = client.get(f"/api/v1/tickets/{number}/timeline", headers=cast.alice.headers)
    changes = [e for e in timeline.json()["items"] if e["kind"] == "ticket.fields_changed"]
    assert [e["actor_id"] for e in changes] == [cast.alice.id, cast.alice.id]
    assert changes[0]["data"]["before"] == {}
    assert changes[1]["data"]["before"]["amount"] == 24.5
    assert "amount" not in changes[1]["data"]["after"]


def test_bad_values_are_refused_field_by_field_and_nothing_changes(
    client: TestClient, cast: Cast
) -> None:
    define(client, cast)
    number = _ticket(client, cast)
    bad = {
        "colour": "red",
        "refund_reason": "bored",
        "amount": "twelve",
        "promised_on": "31/12/2026",
        "checked_stock": "yes",
        "order_number": 1001,
    }
    response = _patch(client, cast, number, {"priority": "P1", "custom_fields": bad})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["type"].endswith("/invalid-custom-fields")
    assert {e["field"]: e["message"] for e in body["errors"]} == {
        "custom_fields.colour": "no custom field 'colour' is defined",
        "custom_fields.refund_reason": "must be one of: damaged, late, changed mind",
        "custom_fields.amount": "must be a number",
        "custom_fields.promised_on": "'31/12/2026' is not a date as YYYY-MM-DD",
        "custom_fields.checked_stock": "must be true or false",
        "custom_fields.order_number": "must be text",
    }
    ticket = client.get(f"/api/v1/tickets/{number}", headers=cast.alice.headers).json()
    assert ticket["priority"] != "P1" and ticket["custom_fields"] == {}
    assert _patch(client, cast, number, {"custom_fields": {"amount": True}}).status_code == 422


def test_an_inactive_field_is_not_set(client: TestClient, cast: Cast) -> None:
    (field_id,) = define(client, cast, {"key": "sku", "label": "SKU", "type": "text"})
    client.patch(
        f"/api/v1/ticket-fields/{field_id}", json={"active": False}, headers=cast.olivia.headers
    )
    number = _ticket(client, cast)
    response = _patch(client, cast, number, {"custom_fields": {"sku": "K-1"}})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "custom_fields.sku", "message": "the field 'SKU' is inactive"}
    ]


def test_alice_cannot_solve_until_the_refund_reason_is_filled(
    client: TestClient, cast: Cast
) -> None:
    define(client, cast)
    number = _ticket(client, cast)
    refused = _patch(client, cast, number, {"status": "solved"})
    assert refused.status_code == 422
    assert refused.json()["type"].endswith("/fields-required-to-solve")
    assert refused.json()["errors"] == [
        {"field": "custom_fields.refund_reason", "message": "Refund reason is required to solve"}
    ]
    reply = client.post(
        f"/api/v1/tickets/{number}/messages",
        json={"text": "All sorted.", "status": "solved"},
        headers=cast.alice.headers,
    )
    assert reply.status_code == 422
    assert reply.json()["type"].endswith("/fields-required-to-solve")
    assert (
        client.get(f"/api/v1/tickets/{number}/messages", headers=cast.alice.headers).json()[
            "items"
        ][-1]["text"]
        != "All sorted."
    )
    macro = client.post(
        f"/api/v1/tickets/{number}/macros/pending_reminder",
        json={"type": "reply", "status": "solved"},
        headers=cast.alice.headers,
    )
    assert macro.status_code == 422
    assert macro.json()["type"].endswith("/fields-required-to-solve")
    # Filled in the same change that solves: accepted.
    solved = _patch(
        client, cast, number, {"status": "solved", "custom_fields": {"refund_reason": "late"}}
    )
    assert solved.status_code == 200, solved.text
    assert solved.json()["status"] == "solved"


def test_a_deactivated_required_field_no_longer_blocks_solving(
    client: TestClient, cast: Cast
) -> None:
    ids = define(client, cast)
    number = _ticket(client, cast)
    client.patch(
        f"/api/v1/ticket-fields/{ids[1]}", json={"active": False}, headers=cast.olivia.headers
    )
    assert _patch(client, cast, number, {"status": "solved"}).status_code == 200
