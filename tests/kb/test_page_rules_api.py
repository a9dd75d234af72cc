"""Page rules: leads and up map URL patterns to an article or a category; the widget's
suggestions follow them (in position order), and bad input gets a precise error."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Cast
from tests.kb.conftest import KB, category, write

from minidesk.db import Database
from minidesk.event_kinds import EventKind
from minidesk.events import Event

SHOP = "https://shop.example"


def _rule(client: TestClient, cast: Cast, **body: object) -> dict[str, object]:
    made = client.post(f"{KB}/page-rules", json=body, headers=cast.leo.headers)
    assert made.status_code == 201, made.text
    return made.json()  # type: ignore[no-any-return]


def _titles(client: TestClient, url: str, q: str = "") -> list[str]:
    found = client.get(f"{KB}/suggest", params={"url": url, "q": q})
    assert found.status_code == 200, found.text
    return [item["title"] for item in found.json()["items"]]


def test_leo_maps_checkout_pages_to_an_article_and_a_category(
    client: TestClient, cast: Cast, database: Database
) -> None:
    shipping = category(client, cast, "shipping", "Shipping")
    write(client, cast, title="Delivery times", category_id=shipping)
    write(client, cast, title="Customs and duties", category_id=shipping)
    pay = write(client, cast, title="Paying with a gift card")
    write(client, cast, title="Unrelated article")
    assert _titles(client, f"{SHOP}/checkout/payment") == []

    first = _rule(client, cast, pattern="/checkout*", article_id=pay["id"])
    _rule(client, cast, pattern=f"{SHOP}/checkout/*", category_id=shipping, position=1)
    assert _titles(client, f"{SHOP}/checkout/payment?step=2") == [
        "Paying with a gift card", "Customs and duties", "Delivery times",
    ]  # fmt: skip
    # A path pattern ignores the host; a whole-URL pattern does not.
    assert _titles(client, "https://other.example/checkout") == ["Paying with a gift card"]
    assert _titles(client, f"{SHOP}/cart") == []

    moved = client.patch(
        f"{KB}/page-rules/{first['id']}", json={"position": 5}, headers=cast.leo.headers
    )
    assert moved.status_code == 200, moved.text
    assert _titles(client, f"{SHOP}/checkout/x")[0] == "Customs and duties"
    listed = client.get(f"{KB}/page-rules", headers=cast.alice.headers).json()["items"]
    assert [r["pattern"] for r in listed] == [f"{SHOP}/checkout/*", "/checkout*"]

    # Naming a category instead of the article swaps the target.
    swapped = client.patch(
        f"{KB}/page-rules/{first['id']}", json={"category_id": shipping}, headers=cast.leo.headers
    )
    assert swapped.json()["article_id"] is None and swapped.json()["category_id"] == shipping
    gone = client.delete(f"{KB}/page-rules/{first['id']}", headers=cast.leo.headers)
    assert gone.status_code == 204
    assert client.get(f"{KB}/page-rules/{first['id']}", headers=cast.leo.headers).status_code == 404
    with database.sessions() as session:
        kinds = session.scalars(
            select(Event.data)
            .where(Event.kind == EventKind.KB_PAGE_RULE_CHANGED.value)
            .order_by(Event.id)
        ).all()
    assert [(k["before"] is None, k["after"] is None) for k in kinds] == [
        (True, False), (True, False), (False, False), (False, False), (False, True),
    ]  # fmt: skip


def test_rules_never_suggest_internal_or_draft_articles(client: TestClient, cast: Cast) -> None:
    help_desk = category(client, cast, "desk", "Desk")
    secret = write(client, cast, title="Refund override codes", visibility="internal",
                   category_id=help_desk)  # fmt: skip
    draft = write(client, cast, title="Unreleased returns policy", status="draft")
    write(client, cast, title="Returns explained", category_id=help_desk)
    _rule(client, cast, pattern="/returns*", article_id=secret["id"])
    _rule(client, cast, pattern="/returns*", article_id=draft["id"])
    _rule(client, cast, pattern="/returns*", category_id=help_desk)
    assert _titles(client, f"{SHOP}/returns", q="refund override codes") == ["Returns explained"]


def test_bad_rules_get_precise_errors(client: TestClient, cast: Cast) -> None:
    article = write(client, cast, title="Delivery times")
    cases = [
        ({"pattern": "checkout", "article_id": article["id"]}, "pattern", "start with /"),
        ({"pattern": "  ", "article_id": article["id"]}, "pattern", "a pattern is needed"),
        ({"pattern": "/a b", "article_id": article["id"]}, "pattern", "no spaces"),
        ({"pattern": "ftp://x/*", "article_id": article["id"]}, "pattern", "start with /"),
        ({"pattern": "/x"}, "article_id", "either an article_id or a category_id"),
        ({"pattern": "/x", "article_id": article["id"], "category_id": 1}, "article_id",
         "not both"),
        ({"pattern": "/x", "article_id": 987654}, "article_id", "no article 987654"),
        ({"pattern": "/x", "category_id": 987654}, "category_id", "no category 987654"),
    ]  # fmt: skip
    for body, field, words in cases:
        refused = client.post(f"{KB}/page-rules", json=body, headers=cast.leo.headers)
        assert refused.status_code == 422, body
        error = refused.json()["errors"][0]
        assert error["field"] == field and words in error["message"], (body, error)
    extra = {"pattern": "/x", "article_id": article["id"], "colour": "red"}
    unknown = client.post(f"{KB}/page-rules", json=extra, headers=cast.leo.headers)
    assert unknown.status_code == 422
    rule = _rule(client, cast, pattern="/x", article_id=article["id"])
    null = client.patch(
        f"{KB}/page-rules/{rule['id']}", json={"pattern": None}, headers=cast.leo.headers
    )
    assert null.status_code == 422 and null.json()["errors"][0]["field"] == "pattern"


def test_agents_read_rules_but_only_leads_write_them(client: TestClient, cast: Cast) -> None:
    article = write(client, cast, title="Delivery times")
    body = {"pattern": "/x", "article_id": article["id"]}
    assert client.post(f"{KB}/page-rules", json=body, headers=cast.alice.headers).status_code == 403
    assert client.post(f"{KB}/page-rules", json=body).status_code == 401
    assert client.get(f"{KB}/page-rules").status_code == 401
    rule = _rule(client, cast, **body)
    assert client.get(f"{KB}/page-rules", headers=cast.alice.headers).status_code == 200
    for method in ("PATCH", "DELETE"):
        assert client.request(method, f"{KB}/page-rules/{rule['id']}", json={},
                              headers=cast.alice.headers).status_code == 403  # fmt: skip
