"""Shared definitions for the custom field tests: what an admin of a shop would set up."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from tests.conftest import Cast

ORDER = {"key": "order_number", "label": "Order number", "type": "text", "position": 1}
REASON = {
    "key": "refund_reason",
    "label": "Refund reason",
    "type": "dropdown",
    "options": ["damaged", "late", "changed mind"],
    "required_to_solve": True,
    "position": 2,
}
AMOUNT = {"key": "amount", "label": "Amount", "type": "number", "position": 3}
PROMISED = {"key": "promised_on", "label": "Promised on", "type": "date", "position": 4}
CHECKED = {"key": "checked_stock", "label": "Checked stock", "type": "checkbox", "position": 5}
ALL = (ORDER, REASON, AMOUNT, PROMISED, CHECKED)


def define(client: TestClient, cast: Cast, *fields: dict[str, Any]) -> list[int]:
    ids = []
    for field in fields or ALL:
        response = client.post("/api/v1/ticket-fields", json=field, headers=cast.olivia.headers)
        assert response.status_code == 201, response.text
        ids.append(int(response.json()["id"]))
    return ids
