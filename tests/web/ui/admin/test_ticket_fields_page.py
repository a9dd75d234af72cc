"""The ticket fields admin page: olivia adds a dropdown field and edits it, mistakes are
named on their input with what was typed kept, and only admins may use it."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.conftest import Cast
from tests.web.ui.admin.helpers import signed_in

REASON = {"key": "refund_reason", "label": "Refund reason", "type": "dropdown",
          "options": "damaged\nlate\n", "position": "2", "required_to_solve": "on",
          "active": "on"}  # fmt: skip


def _fields(client: TestClient, cast: Cast) -> list[dict[str, object]]:
    items: list[dict[str, object]] = client.get(
        "/api/v1/ticket-fields", headers=cast.alice.headers
    ).json()["items"]
    return items


def test_olivia_adds_a_field_and_edits_it(client: TestClient, cast: Cast) -> None:
    csrf = signed_in(client, cast.olivia.email)
    assert "No custom fields yet." in client.get("/admin/ticket-fields").text
    added = client.post("/admin/ticket-fields", data={**REASON, "csrf": csrf})
    assert "Saved field Refund reason." in added.text
    assert 'data-ticket-field="refund_reason"' in added.text
    (field,) = _fields(client, cast)
    assert field["options"] == ["damaged", "late"] and field["required_to_solve"] is True
    edit = client.get(f"/admin/ticket-fields/{field['id']}").text
    assert "<code>refund_reason</code>" in edit and "damaged\nlate</textarea>" in edit
    saved = client.post(
        f"/admin/ticket-fields/{field['id']}",
        data={**REASON, "csrf": csrf, "options": "damaged\nlate\nchanged mind", "active": ""},
    )
    assert "Saved field Refund reason." in saved.text
    (field,) = _fields(client, cast)
    assert field["options"] == ["damaged", "late", "changed mind"] and field["active"] is False


def test_mistakes_are_named_on_their_input(client: TestClient, cast: Cast) -> None:
    csrf = signed_in(client, cast.olivia.email)
    no_options = client.post("/admin/ticket-fields", data={**REASON, "csrf": csrf, "options": ""})
    assert no_options.status_code == 422
    assert 'id="f-options-error">a dropdown needs at least one option' in no_options.text
    assert 'aria-describedby="f-options-error"' in no_options.text
    assert 'value="Refund reason"' in no_options.text  # what was typed is kept
    bad_key = client.post("/admin/ticket-fields", data={**REASON, "csrf": csrf, "key": "Why?"})
    assert 'id="f-key-error"' in bad_key.text
    position = client.post("/admin/ticket-fields", data={**REASON, "csrf": csrf, "position": "x"})
    assert 'id="f-position-error">a whole number' in position.text
    assert _fields(client, cast) == []
    client.post("/admin/ticket-fields", data={**REASON, "csrf": csrf})
    (field,) = _fields(client, cast)
    to_text = client.post(
        f"/admin/ticket-fields/{field['id']}", data={**REASON, "csrf": csrf, "type": "text"}
    )
    assert to_text.status_code == 422 and 'id="f-options-error"' in to_text.text
    assert _fields(client, cast)[0]["type"] == "dropdown"
    assert client.get("/admin/ticket-fields/999999").status_code == 404


def test_a_manager_may_not(client: TestClient, cast: Cast) -> None:
    csrf = signed_in(client, cast.maya.email)
    assert client.get("/admin/ticket-fields").status_code == 403
    assert client.post("/admin/ticket-fields", data={**REASON, "csrf": csrf}).status_code == 403
    assert _fields(client, cast) == []
