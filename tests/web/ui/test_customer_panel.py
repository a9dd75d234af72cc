"""The ticket page's customer panel: every identity with its verified state, the customer's
other tickets (only those the agent may open: a restricted agent never sees the subject of
another team's ticket), and customer tags edited from the panel as an audited change."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound
from tests.desk.visibility_world import restrict
from tests.web.ui.test_sessions import _number
from tests.web.ui.test_ticket_pages import _signed_in


def _customer(client: TestClient, cast: Cast, number: int) -> int:
    ticket = client.get(f"/api/v1/tickets/{number}", headers=cast.olivia.headers).json()
    return int(ticket["customer_id"])


def _panel(html: str) -> str:
    match = re.search(r'<section class="customer-panel".*?</section>', html, re.S)
    assert match, html
    return match.group(0)


def test_alice_sees_every_identity_and_the_customers_other_tickets(
    client: TestClient, cast: Cast
) -> None:
    first = _number(inbound(client, cast.shop, "Kettle broken", "c-1", thread="a"))
    second = _number(inbound(client, cast.shop, "Invoice please", "c-2", thread="b"))
    customer = _customer(client, cast, first)
    added = client.post(
        f"/api/v1/customers/{customer}/identities",
        json={"kind": "phone", "value": "+15550100000"},
        headers=cast.leo.headers,
    )
    assert added.status_code == 201, added.text
    _signed_in(client, cast.alice.email)
    panel = _panel(client.get(f"/tickets/{first}").text)
    assert 'Email: emma@example.com — <span class="tag verified">verified</span>' in panel
    assert 'Phone: +15550100000 — <span class="tag">not verified</span>' in panel
    assert f'<a href="/tickets/{second}">#{second} Invoice please</a>' in panel
    assert f'href="/tickets/{first}"' not in panel  # not the ticket itself


def test_a_restricted_agent_never_sees_another_teams_ticket_of_the_customer(
    client: TestClient, cast: Cast
) -> None:
    mine = _number(inbound(client, cast.shop, "Kettle broken", "r-1", thread="a"))
    theirs = _number(inbound(client, cast.shop, "Secret billing dispute", "r-2", thread="b"))
    for number, team in ((mine, cast.support_team), (theirs, cast.billing_team)):
        moved = client.patch(
            f"/api/v1/tickets/{number}", json={"team_id": team}, headers=cast.olivia.headers
        )
        assert moved.status_code == 200
    restrict(client, cast)
    _signed_in(client, cast.alice.email)
    page = client.get(f"/tickets/{mine}").text
    assert "Secret billing dispute" not in page
    assert f"#{theirs}" not in _panel(page)
    assert "None you can open." in _panel(page)
    client.cookies.clear()
    _signed_in(client, cast.maya.email)  # managers see every team's tickets
    assert "Secret billing dispute" in _panel(client.get(f"/tickets/{mine}").text)


def test_alice_tags_the_customer_from_the_panel(client: TestClient, cast: Cast) -> None:
    number = _number(inbound(client, cast.shop, "Kettle broken", "t-1"))
    customer = _customer(client, cast, number)
    csrf = _signed_in(client, cast.alice.email)
    saved = client.post(
        f"/tickets/{number}/customer-tags",
        data={"csrf": csrf, "add_tags": "VIP, wholesale"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    page = client.get(f"/tickets/{number}").text
    assert "Customer tags saved." in page
    assert '<span class="tag">vip</span> <span class="tag">wholesale</span>' in _panel(page)
    client.post(f"/tickets/{number}/customer-tags", data={"csrf": csrf, "remove_tags": "wholesale"})
    api = client.get(f"/api/v1/customers/{customer}", headers=cast.alice.headers).json()
    assert api["tags"] == ["vip"]
    timeline = client.get(
        f"/api/v1/customers/{customer}/timeline", headers=cast.alice.headers
    ).json()["items"]
    edits = [e for e in timeline if e["kind"] == "customer.updated"]
    assert [e["data"]["after"]["tags"] for e in edits] == [["vip", "wholesale"], ["vip"]]
    assert {e["actor_id"] for e in edits} == {cast.alice.id}
    too_long = client.post(
        f"/tickets/{number}/customer-tags", data={"csrf": csrf, "add_tags": "x" * 65}
    )
    assert "Customer tags not changed: tag" in too_long.text
    refused = client.post(
        f"/tickets/{number}/customer-tags",
        data={"csrf": "forged", "add_tags": "spam"},
        follow_redirects=False,
    )
    assert refused.status_code == 403


def test_a_restricted_agent_cannot_tag_through_another_teams_ticket(
    client: TestClient, cast: Cast
) -> None:
    number = _number(inbound(client, cast.shop, "Billing question", "b-1"))
    client.patch(
        f"/api/v1/tickets/{number}",
        json={"team_id": cast.billing_team},
        headers=cast.olivia.headers,
    )
    restrict(client, cast)
    csrf = _signed_in(client, cast.alice.email)
    response = client.post(
        f"/tickets/{number}/customer-tags", data={"csrf": csrf, "add_tags": "vip"}
    )
    assert response.status_code == 404
