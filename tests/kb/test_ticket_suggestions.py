"""Agents see articles for a ticket's latest customer message (internal ones too, but only
public ones can be inserted), through the API and the ticket page's no-script insert."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound
from tests.web.ui.admin.helpers import signed_in

from minidesk.db import Database
from minidesk.kb.seed import seed_demo_articles


def test_suggestions_follow_the_customers_words(
    client: TestClient, cast: Cast, database: Database
) -> None:
    with database.transaction() as session:
        seed_demo_articles(session)
    body = inbound(client, cast.shop, "how long until my refund shows on my card?", "s1")
    number = body["ticket_number"]
    found = client.get(f"/api/v1/tickets/{number}/suggested-articles", headers=cast.alice.headers)
    assert found.status_code == 200
    items = found.json()["items"]
    assert items[0]["slug"] == "refund-timing"
    assert {"refund-approvals"} <= {i["slug"] for i in items}  # internal: agents read it
    missing = client.get("/api/v1/tickets/99999/suggested-articles", headers=cast.alice.headers)
    assert missing.status_code == 404


def test_the_no_script_insert_prefills_the_composer(
    client: TestClient, cast: Cast, database: Database
) -> None:
    with database.transaction() as session:
        seed_demo_articles(session)
    number = inbound(client, cast.shop, "when will I get my refund", "s2")["ticket_number"]
    signed_in(client, cast.alice.email)
    page = client.get(f"/tickets/{number}")
    assert "Suggested articles" in page.text and "Refunds above the bot" in page.text
    articles = client.get("/api/v1/kb/articles", headers=cast.alice.headers).json()["items"]
    refund = next(a for a in articles if a["slug"] == "refund-timing")
    internal = next(a for a in articles if a["slug"] == "refund-approvals")
    draft = client.get(f"/tickets/{number}", params={"article": refund["id"]}).text
    assert "When will I get my refund?\n\nRefunds go back to the card" in draft
    assert "Read more: http://127.0.0.1:8000/help/articles/refund-timing</textarea>" in draft
    blank = client.get(f"/tickets/{number}", params={"article": internal["id"]}).text
    assert "Never promise an amount" not in blank.split('id="composer-text"')[1][:300]
