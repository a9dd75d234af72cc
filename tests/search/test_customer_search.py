"""`GET /api/v1/customers?q=`: names and identities, each word a prefix, best match first."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.conftest import Cast, Person
from tests.search.helpers import open_ticket


def _names(client: TestClient, who: Person, q: str) -> list[str]:
    response = client.get("/api/v1/customers", params={"q": q}, headers=who.headers)
    assert response.status_code == 200, response.text
    return [c["name"] for c in response.json()["items"]]


def test_a_customer_is_found_by_name_email_or_phone_prefix(client: TestClient, cast: Cast) -> None:
    open_ticket(client, cast, "Hi", email="sofia.garcia@example.com", name="Sofía García",
                phone="+34612345678")  # fmt: skip
    open_ticket(client, cast, "Hi", email="liam@example.com", name="Liam Byrne")
    for q in ("sofia", "Garcí", "garcia@example", "sofia.garcia@example.com", "+3461234",
              "612345678", '"sofia garcia"'):  # fmt: skip
        assert _names(client, cast.olivia, q) == ["Sofía García"], q
    assert _names(client, cast.olivia, "sofia -garcia") == []


def test_a_name_match_ranks_above_an_address_match(client: TestClient, cast: Cast) -> None:
    open_ticket(client, cast, "Hi", email="rowan@example.com", name="Kim Lee")
    open_ticket(client, cast, "Hi", email="kim@example.com", name="Rowan Kim")
    assert _names(client, cast.olivia, "rowan") == ["Rowan Kim", "Kim Lee"]


def test_a_new_identity_is_searchable_at_once(client: TestClient, cast: Cast) -> None:
    number = open_ticket(client, cast, "Hi", email="noor@example.com", name="Noor")
    h = cast.leo.headers
    customer = client.get(f"/api/v1/tickets/{number}", headers=h).json()["customer_id"]
    identity = {"kind": "email", "value": "noor@work.example"}
    added = client.post(f"/api/v1/customers/{customer}/identities", json=identity, headers=h)
    assert added.status_code in (200, 201), added.text
    assert _names(client, cast.olivia, "noor@work.example") == ["Noor"]


def test_the_search_api_finds_customers_with_a_snippet(client: TestClient, cast: Cast) -> None:
    open_ticket(client, cast, "Hi", email="ines@example.com", name="Inès Duval")
    response = client.get("/api/v1/search", params={"q": "ines", "type": "customers"},
                          headers=cast.olivia.headers)  # fmt: skip
    assert response.status_code == 200, response.text
    [hit] = response.json()["items"]
    assert hit["type"] == "customer" and hit["title"] == "Inès Duval"
    assert "<mark>" in hit["snippet"]
