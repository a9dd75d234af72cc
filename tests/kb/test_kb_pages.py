"""Writing articles in the workspace: leads and up only; a save is a new version; bad input is
shown on the form, field by field."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from tests.conftest import Cast
from tests.web.ui.admin.helpers import signed_in


def test_an_agent_may_not_open_the_knowledge_base_pages(client: TestClient, cast: Cast) -> None:
    signed_in(client, cast.alice.email)
    assert 'href="/kb"' not in client.get("/inbox").text
    assert client.get("/kb").status_code == 403


def test_a_lead_writes_and_edits_an_article(client: TestClient, cast: Cast) -> None:
    csrf = signed_in(client, cast.leo.email)
    assert 'href="/kb"' in client.get("/inbox").text
    form = {"csrf": csrf, "title": "Store hours", "body": "We answer **9 to 5**.",
            "status": "published", "visibility": "public", "tags": "hours, contact"}  # fmt: skip
    saved = client.post("/kb/save", data=form, follow_redirects=False)
    assert saved.status_code == 303
    edit = saved.headers["location"]
    article_id = int(re.sub(r"\D", "", edit))
    page = client.get(edit)
    assert "Version 1" in page.text and "Store hours" in page.text
    again = client.post("/kb/save", data={**form, "article_id": str(article_id),
                                          "body": "We answer 8 to 6."})  # fmt: skip
    assert "Version 2" in again.text
    api = client.get(f"/api/v1/kb/articles/{article_id}", headers=cast.leo.headers).json()
    assert (api["body"], api["tags"], api["version"]) == (
        "We answer 8 to 6.",
        ["hours", "contact"],
        2,
    )
    assert "Store hours" in client.get("/help").text
    listed = client.get("/kb").text
    assert f'data-article="{article_id}"' in listed


def test_bad_input_is_shown_on_the_form(client: TestClient, cast: Cast) -> None:
    csrf = signed_in(client, cast.leo.email)
    bad = client.post("/kb/save", data={"csrf": csrf, "title": " ", "slug": "Bad Slug"})
    assert bad.status_code == 422
    assert "An article needs a title." in bad.text
    assert "Lower-case letters, digits and single hyphens only." in bad.text
    form = {"csrf": csrf, "title": "Store hours"}
    client.post("/kb/save", data=form)
    taken = client.post("/kb/save", data=form)
    assert taken.status_code == 409
    assert "&#39;store-hours&#39; is taken in en" in taken.text
