"""An integer no database column can hold (ids, numbers, amounts beyond 64 bits), sent in a
path, a query or a body, is the client's error, never a 500: a 422 ``out-of-range`` problem
where the database refuses it (SQLite), or a 404 where it simply matches no row
(PostgreSQL compares it as a numeric)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast

HUGE = 10**30


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", f"/api/v1/tickets/{HUGE}", None),
        ("GET", f"/api/v1/tickets?team={HUGE}", None),
        ("GET", f"/api/v1/tickets?customer={HUGE}", None),
        ("GET", f"/api/v1/customers/{HUGE}", None),
        ("GET", f"/api/v1/users/{HUGE}/tokens", None),
        ("GET", f"/api/v1/rules/{HUGE}", None),
        ("POST", f"/api/v1/customers/{HUGE}/merge", {"source_id": HUGE}),
    ],
)
def test_a_number_beyond_64_bits_is_a_client_error(
    client: TestClient, cast: Cast, method: str, path: str, body: object
) -> None:
    response = client.request(method, path, json=body, headers=cast.olivia.headers)
    assert response.status_code in (404, 422), response.text
    assert response.headers["content-type"] == "application/problem+json"
    kind = response.json()["type"].rsplit("/", 1)[1]
    assert kind == ("out-of-range" if response.status_code == 422 else "not-found")


def test_a_nul_character_is_never_a_500(client: TestClient, cast: Cast) -> None:
    """PostgreSQL text cannot hold NUL; SQLite stores it. Either way the client hears why."""
    rule = {
        "name": "a\x00b",
        "event": "message.received",
        "conditions": [{"type": "text", "regex": "refund"}],
        "actions": [{"type": "set_priority", "priority": "P2"}],
    }
    created = client.post("/api/v1/rules", json=rule, headers=cast.olivia.headers)
    searched = client.get("/api/v1/tickets", params={"q": "\x00"}, headers=cast.olivia.headers)
    for response, stored in ((created, 201), (searched, 200)):
        assert response.status_code in (stored, 422), response.text
        if response.status_code == 422:
            problem = response.json()
            assert problem["type"].endswith("/unstorable-value")
            assert "NUL" in problem["detail"]
