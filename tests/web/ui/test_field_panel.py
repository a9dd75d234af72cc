"""Custom fields on the ticket page: the side panel's form saves through the API's checks
(a wrong value is refused by its label, nothing saved), the change shows on the timeline
with labels, and the properties form, a reply with a status and the inbox's bulk solve all
refuse to solve while a field required to solve is empty."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound
from tests.ticket_fields.fields import define
from tests.web.ui.test_sessions import _number
from tests.web.ui.test_ticket_pages import _signed_in


def _fields(client: TestClient, cast: Cast, number: int) -> dict[str, object]:
    ticket = client.get(f"/api/v1/tickets/{number}", headers=cast.alice.headers).json()
    fields: dict[str, object] = ticket["custom_fields"]
    return fields


def test_alice_fills_the_fields_form_and_the_timeline_shows_the_change(
    client: TestClient, cast: Cast
) -> None:
    define(client, cast)
    number = _number(inbound(client, cast.shop, "Kettle broken", "f-1"))
    csrf = _signed_in(client, cast.alice.email)
    page = client.get(f"/tickets/{number}").text
    assert '<label for="field-refund_reason">Refund reason (required to solve)</label>' in page
    assert 'id="field-promised_on" name="field-promised_on" type="date"' in page
    form = {
        "csrf": csrf,
        "field-order_number": "1001",
        "field-refund_reason": "late",
        "field-amount": "24.50",
        "field-promised_on": "2026-12-01",
        "field-checked_stock": "yes",
    }
    saved = client.post(f"/tickets/{number}/fields", data=form, follow_redirects=False)
    assert saved.status_code == 303, saved.text[:3000]
    assert _fields(client, cast, number) == {
        "order_number": "1001",
        "refund_reason": "late",
        "amount": 24.5,
        "promised_on": "2026-12-01",
        "checked_stock": True,
    }
    page = client.get(f"/tickets/{number}").text
    assert "Fields saved." in page
    assert "<option selected>late</option>" in page
    change = re.search(r'<li data-field-change="refund_reason">([^<]*)</li>', page)
    assert change and change.group(1) == "Refund reason: — → late"
    # Unticking and emptying clear those fields; the rest stay.
    client.post(
        f"/tickets/{number}/fields", data={**form, "field-amount": "", "field-checked_stock": ""}
    )
    assert set(_fields(client, cast, number)) == {"order_number", "refund_reason", "promised_on"}


def test_a_wrong_value_is_refused_by_its_label_and_nothing_is_saved(
    client: TestClient, cast: Cast
) -> None:
    define(client, cast)
    number = _number(inbound(client, cast.shop, "Kettle broken", "f-2"))
    csrf = _signed_in(client, cast.alice.email)
    refused = client.post(
        f"/tickets/{number}/fields",
        data={"csrf": csrf, "field-amount": "twelve", "field-refund_reason": "bored",
              "field-order_number": "1001"},
    )  # fmt: skip
    assert "Fields not saved: " in refused.text
    assert "Amount: must be a number" in refused.text
    assert "Refund reason: must be one of: damaged, late, changed mind" in refused.text
    assert _fields(client, cast, number) == {}
    forged = client.post(
        f"/tickets/{number}/fields", data={"csrf": "forged"}, follow_redirects=False
    )
    assert forged.status_code == 403


def test_solving_from_the_page_needs_the_required_fields(client: TestClient, cast: Cast) -> None:
    define(client, cast)
    number = _number(inbound(client, cast.shop, "Kettle broken", "f-3"))
    csrf = _signed_in(client, cast.alice.email)
    by_form = client.post(f"/tickets/{number}/properties", data={"csrf": csrf, "status": "solved"})
    assert "Not changed: Refund reason is required to solve" in by_form.text
    by_reply = client.post(
        f"/tickets/{number}/messages",
        data={"csrf": csrf, "text": "Sorted!", "status": "solved"},
    )
    assert "Not sent: Refund reason is required to solve" in by_reply.text
    in_bulk = client.post(
        "/inbox/bulk", data={"csrf": csrf, "action": "solve", "ticket": str(number)}
    )
    assert f"#{number}: Refund reason is required to solve" in in_bulk.text
    ticket = client.get(f"/api/v1/tickets/{number}", headers=cast.alice.headers).json()
    assert ticket["status"] != "solved"
    client.post(f"/tickets/{number}/fields", data={"csrf": csrf, "field-refund_reason": "late"})
    solved = client.post(f"/tickets/{number}/properties", data={"csrf": csrf, "status": "solved"})
    assert "Saved." in solved.text
