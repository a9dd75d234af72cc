"""The public help centre: no sign-in, only public published articles, categories, search
(logged), related articles, translations, feedback, and the shop's theme."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Cast

from minidesk.db import Database
from minidesk.kb.models import KbFeedback, KbSearch
from minidesk.kb.seed import seed_demo_articles


def _seed(database: Database) -> None:
    with database.transaction() as session:
        seed_demo_articles(session)


def test_home_lists_categories_with_their_public_articles(
    client: TestClient, database: Database
) -> None:
    _seed(database)
    home = client.get("/help")
    assert home.status_code == 200
    assert "Orders and shipping" in home.text and "How do gift cards work?" in home.text
    assert "Refunds above the bot" not in home.text  # internal
    assert "frame-src https://www.youtube-nocookie.com" in home.headers["content-security-policy"]


def test_an_article_page_shows_related_articles_translations_and_takes_feedback(
    client: TestClient, database: Database
) -> None:
    _seed(database)
    page = client.get("/help/articles/return-policy")
    assert page.status_code == 200
    assert "<h1>What is your return policy?</h1>" in page.text
    assert "Related articles" in page.text and "When will I get my refund?" in page.text
    assert 'href="/help/articles/return-policy?locale=es"' in page.text
    spanish = client.get("/help/articles/return-policy", params={"locale": "es"})
    assert "reembolso completo" in spanish.text
    sent = client.post(
        "/help/articles/return-policy/feedback",
        data={"helpful": "no", "comment": "What about sale items?"},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    assert sent.headers["location"] == "/help/articles/return-policy?thanks=1#feedback"
    assert "Thank you for your feedback." in client.get(sent.headers["location"]).text
    with database.sessions() as session:
        [feedback] = session.scalars(select(KbFeedback)).all()
    assert (feedback.helpful, feedback.comment) == (False, "What about sale items?")
    bad = client.post("/help/articles/return-policy/feedback", data={"helpful": "maybe"})
    assert bad.status_code == 422


def test_internal_and_draft_articles_are_not_found(
    client: TestClient, cast: Cast, database: Database
) -> None:
    _seed(database)
    assert client.get("/help/articles/refund-approvals").status_code == 404
    draft = {"title": "Coming soon", "body": "Shh.", "status": "draft"}
    client.post("/api/v1/kb/articles", json=draft, headers=cast.olivia.headers)
    assert client.get("/help/articles/coming-soon").status_code == 404
    assert client.get("/help/categories/nope").status_code == 404


def test_search_finds_articles_and_logs_gaps_for_analytics(
    client: TestClient, cast: Cast, database: Database
) -> None:
    _seed(database)
    found = client.get("/help/search", params={"q": "gift card"})
    assert "How do gift cards work?" in found.text
    nothing = client.get("/help/search", params={"q": "loyalty points"})
    assert "0 results" in nothing.text
    client.get("/help/search", params={"q": "Loyalty  points?"})
    with database.sessions() as session:
        assert {s.source for s in session.scalars(select(KbSearch))} == {"help"}
    report = client.get("/api/v1/kb/analytics", headers=cast.leo.headers).json()
    assert report["zero_result_queries"] == [{"query": "loyalty points", "searches": 2}]
    assert report["top_queries"][0] == {"query": "loyalty points", "searches": 2,
                                        "zero_results": 2}  # fmt: skip
    assert client.get("/api/v1/kb/analytics", headers=cast.alice.headers).status_code == 403


def test_the_search_box_takes_no_more_than_the_search_answers(client: TestClient) -> None:
    """A customer's long question in the help centre's box came back as a JSON problem (the
    search takes 500 characters); the box now stops at what the search answers."""
    home = client.get("/help")
    box = re.search(r'<input id="help-q"[^>]*>', home.text)
    assert box is not None and 'maxlength="500"' in box.group(0)
    assert client.get("/help/search", params={"q": "a" * 500}).status_code == 200


def test_the_theme_uses_the_shops_name_and_colours_with_readable_text(
    client: TestClient, cast: Cast, database: Database
) -> None:
    client.patch("/api/v1/workspace", json={"name": "Acme Lamps"}, headers=cast.olivia.headers)
    assert "Acme Lamps Help Centre" in client.get("/help").text
    theme = {"primary_colour": "#ffd400", "accent_colour": "#fff8d6", "title": ""}
    saved = client.put("/api/v1/kb/theme", json=theme, headers=cast.leo.headers)
    assert saved.status_code == 200
    assert saved.json()["primary_ink"] == "#111111"  # dark text on a yellow bar
    css = client.get("/help/theme.css").text
    assert "--primary: #ffd400" in css and "--link: #1b1f24" in css
    bad = client.put("/api/v1/kb/theme", json={**theme, "primary_colour": "red"},
                     headers=cast.leo.headers)  # fmt: skip
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "primary_colour"
