"""The help widget in the workspace (`/kb/widget`): leads and up set the allowed sites and the
page rules with the same checks as the API; agents may not; bad input is shown on the form."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from tests.conftest import Cast
from tests.kb.conftest import KB, category, write
from tests.web.ui.admin.helpers import signed_in


def test_an_agent_may_not_open_the_widget_page(client: TestClient, cast: Cast) -> None:
    csrf = signed_in(client, cast.alice.email)
    assert client.get("/kb/widget").status_code == 403
    refused = client.post("/kb/widget/origins", data={"csrf": csrf, "origins": "https://x.example"})
    assert refused.status_code == 403
    assert client.get(f"{KB}/widget", headers=cast.alice.headers).json()["allowed_origins"] == []


def test_a_lead_allows_a_site_and_maps_pages_to_articles(client: TestClient, cast: Cast) -> None:
    article = write(client, cast, title="Paying with a gift card")
    shipping = category(client, cast, "shipping", "Shipping")
    csrf = signed_in(client, cast.leo.email)
    page = client.get("/kb/widget")
    assert page.status_code == 200
    assert "/help-widget.js" in page.text and "No page rules yet." in page.text
    saved = client.post("/kb/widget/origins", follow_redirects=False, data={
        "csrf": csrf, "origins": "https://Shop.example\nhttps://m.shop.example/"})  # fmt: skip
    assert saved.status_code == 303
    assert client.get(f"{KB}/widget", headers=cast.leo.headers).json()["allowed_origins"] == [
        "https://shop.example", "https://m.shop.example",
    ]  # fmt: skip
    for pattern, target in (("/checkout*", f"article:{article['id']}"),
                            ("/shipping/*", f"category:{shipping}")):  # fmt: skip
        added = client.post("/kb/widget/rules", follow_redirects=False,
                            data={"csrf": csrf, "pattern": pattern, "target": target})  # fmt: skip
        assert added.status_code == 303
    rules = client.get(f"{KB}/page-rules", headers=cast.leo.headers).json()["items"]
    assert [(r["pattern"], r["article_id"], r["category_id"]) for r in rules] == [
        ("/checkout*", article["id"], None), ("/shipping/*", None, shipping),
    ]  # fmt: skip
    listed = client.get("/kb/widget").text
    assert "Article: Paying with a gift card" in listed and "Category: Shipping" in listed
    first = re.search(r'data-rule="(\d+)"', listed)
    assert first is not None
    gone = client.post(f"/kb/widget/rules/{first.group(1)}/delete", data={"csrf": csrf},
                       follow_redirects=False)  # fmt: skip
    assert gone.status_code == 303
    assert len(client.get(f"{KB}/page-rules", headers=cast.leo.headers).json()["items"]) == 1


def test_bad_input_is_shown_on_the_form(client: TestClient, cast: Cast) -> None:
    article = write(client, cast, title="Paying with a gift card")
    csrf = signed_in(client, cast.leo.email)
    bad_site = client.post("/kb/widget/origins", data={"csrf": csrf, "origins": "shop.example"})
    assert bad_site.status_code == 422
    assert "is not an origin like https://shop.example" in bad_site.text
    assert 'aria-invalid="true" aria-describedby="f-origins-error"' in bad_site.text
    no_target = client.post("/kb/widget/rules", data={"csrf": csrf, "pattern": "/x", "target": ""})
    assert no_target.status_code == 422 and "Choose an article or a category." in no_target.text
    bad_pattern = client.post("/kb/widget/rules", data={
        "csrf": csrf, "pattern": "checkout", "target": f"article:{article['id']}"})  # fmt: skip
    assert bad_pattern.status_code == 422 and "start with / to match a path" in bad_pattern.text
    assert 'value="checkout"' in bad_pattern.text  # what was typed stays
    missing = client.post("/kb/widget/rules", data={
        "csrf": csrf, "pattern": "/x", "target": "article:987654"})  # fmt: skip
    assert missing.status_code == 422 and "no article 987654" in missing.text
