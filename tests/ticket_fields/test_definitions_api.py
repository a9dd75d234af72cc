"""Admins define custom ticket fields through ``/api/v1/ticket-fields``; everyone signed in
reads them; a bad definition is a 422 naming the field of the definition at fault."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.conftest import Cast
from tests.ticket_fields.fields import ALL, REASON, define


def test_olivia_defines_fields_and_alice_reads_them_in_page_order(
    client: TestClient, cast: Cast
) -> None:
    define(client, cast, *reversed(ALL))
    listed = client.get("/api/v1/ticket-fields", headers=cast.alice.headers)
    assert listed.status_code == 200
    items = listed.json()["items"]
    assert [f["key"] for f in items] == [f["key"] for f in ALL]
    reason = items[1]
    assert reason["options"] == ["damaged", "late", "changed mind"]
    assert reason["required_to_solve"] is True and reason["active"] is True


def test_only_admins_write_definitions(client: TestClient, cast: Cast) -> None:
    for who in (cast.alice, cast.leo, cast.maya):
        response = client.post("/api/v1/ticket-fields", json=REASON, headers=who.headers)
        assert response.status_code == 403
    assert client.get("/api/v1/ticket-fields").status_code == 401


def _refused(client: TestClient, cast: Cast, body: dict[str, object]) -> list[dict[str, str]]:
    response = client.post("/api/v1/ticket-fields", json=body, headers=cast.olivia.headers)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    errors: list[dict[str, str]] = response.json()["errors"]
    return errors


def test_bad_definitions_are_precise_problems(client: TestClient, cast: Cast) -> None:
    no_options = {**REASON, "options": []}
    assert _refused(client, cast, no_options) == [
        {"field": "options", "message": "a dropdown needs at least one option"}
    ]
    text_with_options = {"key": "note", "label": "Note", "type": "text", "options": ["a"]}
    assert _refused(client, cast, text_with_options)[0]["field"] == "options"
    bad_key = {"key": "Order Number", "label": "Order", "type": "text"}
    assert _refused(client, cast, bad_key)[0]["field"] == "key"
    reserved = {"key": "follow_up_of", "label": "Follow-up of", "type": "number"}
    assert "written by the desk" in _refused(client, cast, reserved)[0]["message"]
    twice = {**REASON, "options": ["late", "late"]}
    assert _refused(client, cast, twice)[0]["message"].endswith(
        "options must differ from each other"
    )
    unknown_type = {"key": "x", "label": "X", "type": "colour"}
    assert _refused(client, cast, unknown_type)[0]["field"].endswith("type")
    unknown_member = {**REASON, "colour": "red"}
    assert _refused(client, cast, unknown_member)[0]["field"].endswith("colour")
    define(client, cast, REASON)
    taken = _refused(client, cast, REASON)
    assert taken == [{"field": "key", "message": "a field refund_reason exists already"}]


def test_changing_a_field_keeps_its_key_and_is_an_event(client: TestClient, cast: Cast) -> None:
    (field_id,) = define(client, cast, REASON)
    path = f"/api/v1/ticket-fields/{field_id}"
    changed = client.patch(
        path, json={"label": "Why refunded", "active": False}, headers=cast.olivia.headers
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["label"] == "Why refunded" and changed.json()["active"] is False
    active = client.get("/api/v1/ticket-fields?active=true", headers=cast.alice.headers).json()
    assert active["items"] == []
    renamed = client.patch(path, json={"key": "why"}, headers=cast.olivia.headers)
    assert renamed.status_code == 422
    assert renamed.json()["detail"].startswith("key:")
    to_text = client.patch(path, json={"type": "text"}, headers=cast.olivia.headers)
    assert to_text.status_code == 422  # a text field with options
    assert to_text.json()["errors"][0]["field"] == "options"
    assert client.get("/api/v1/ticket-fields/999999", headers=cast.alice.headers).status_code == 404
