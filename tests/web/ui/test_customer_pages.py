"""Customer search and the customer page, as an agent sees them."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound
from tests.web.ui.test_sessions import _number
from tests.web.ui.test_ticket_pages import _signed_in


def _customer_id(client: TestClient, cast: Cast, number: int) -> int:
    ticket = client.get(f"/api/v1/tickets/{number}", headers=cast.olivia.headers).json()
    return int(ticket["customer_id"])


def test_search_finds_a_customer_by_any_identity_and_shows_their_history(
    client: TestClient, cast: Cast
) -> None:
    first = _number(inbound(client, cast.shop, "Lost parcel", "c-1", email="zoe@example.com",
                            name="Zoe Park", phone="+4915112345678"))  # fmt: skip
    second = _number(inbound(client, cast.shop, "And a new question", "c-2",
                             email="zoe@example.com", thread="other"))  # fmt: skip
    _signed_in(client, cast.alice.email)
    found = client.get("/customers", params={"q": "4915112"}).text
    customer = _customer_id(client, cast, first)
    assert f'href="/customers/{customer}"' in found and "Zoe Park" in found
    assert "No customer matches" in client.get("/customers", params={"q": "nobody-here"}).text
    page = client.get(f"/customers/{customer}").text
    assert "zoe@example.com" in page and "Lost parcel" in page
    assert f'href="/tickets/{first}"' in page
    assert f'href="/tickets/{second}"' in page and "And a new question" in page


def test_a_restricted_agent_finds_and_opens_only_customers_of_their_teams(
    client: TestClient, cast: Cast
) -> None:
    number = _number(inbound(client, cast.shop, "Private matter", "c-3", email="sam@example.com",
                             name="Sam Secret"))  # fmt: skip
    admin = cast.olivia.headers
    client.patch(f"/api/v1/tickets/{number}", json={"team_id": cast.support_team}, headers=admin)
    client.patch("/api/v1/workspace", json={"restrict_agents_to_teams": True}, headers=admin)
    customer = _customer_id(client, cast, number)
    _signed_in(client, cast.bob.email)
    assert "Sam Secret" not in client.get("/customers", params={"q": "sam"}).text
    hidden = client.get(f"/customers/{customer}")
    assert hidden.status_code == 404 and "Private matter" not in hidden.text
