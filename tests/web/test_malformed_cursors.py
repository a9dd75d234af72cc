"""A cursor is opaque: whatever a client sends in its place (a giant number, garbage, base64 of
junk, a negative id) gets a 400 problem naming it, on every paginated route; never a 500."""

from __future__ import annotations

import base64

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


MALFORMED = [
    _b64(b"id:" + b"9" * 40),  # beyond any database integer
    _b64(b"id:" + b"9" * 5000),  # beyond Python's int-from-string limit
    _b64(b"id:-5"),
    _b64(b"id:0"),
    _b64(b"id: 12"),
    _b64(b"id:1_000"),
    _b64(b"id:\xff\xfe"),
    _b64(b"\x00\x01junk"),
    "not base64 at all!",
    "%%%",
    "\u00e9\u00e9",
    "A" * 5000,
]

ROUTES = [
    "/api/v1/tickets",
    "/api/v1/tickets/{number}/messages",
    "/api/v1/tickets/{number}/timeline",
    "/api/v1/customers",
    "/api/v1/customers/{customer}/timeline",
]


@pytest.mark.parametrize("route", ROUTES)
def test_a_malformed_cursor_is_a_400_problem_on_every_paginated_route(
    client: TestClient, cast: Cast, route: str
) -> None:
    posted = inbound(client, cast.olivia, "Where is my parcel?", "m-1")
    ticket = client.get(f"/api/v1/tickets/{posted['ticket_number']}", headers=cast.olivia.headers)
    path = route.format(number=posted["ticket_number"], customer=ticket.json()["customer_id"])
    for cursor in MALFORMED:
        response = client.get(path, params={"cursor": cursor}, headers=cast.olivia.headers)
        assert response.status_code == 400, (cursor[:50], response.text)
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert problem["type"].endswith("/invalid-cursor")
        assert "cursor" in problem["detail"]


def test_a_cursor_the_api_issued_still_pages(client: TestClient, cast: Cast) -> None:
    for n in range(3):
        inbound(client, cast.olivia, f"Question {n}", f"m-{n}", email=f"c{n}@example.com")
    first = client.get("/api/v1/tickets", params={"limit": 2}, headers=cast.olivia.headers).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = client.get(
        "/api/v1/tickets",
        params={"limit": 2, "cursor": first["next_cursor"]},
        headers=cast.olivia.headers,
    ).json()
    assert len(second["items"]) == 1 and second["next_cursor"] is None
