"""Writing articles through the API: versions and rollback, translations, who may write, and
precise errors for bad input."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.conftest import Cast
from tests.kb.conftest import KB, category, write


def test_a_lead_writes_an_article_and_an_agent_reads_but_may_not_write(
    client: TestClient, cast: Cast
) -> None:
    body = {"title": "Returns policy", "body": "You have **30 days**.", "status": "published"}
    refused = client.post(f"{KB}/articles", json=body, headers=cast.alice.headers)
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    created = client.post(f"{KB}/articles", json=body, headers=cast.leo.headers)
    assert created.status_code == 201, created.text
    article = created.json()
    assert article["slug"] == "returns-policy"
    assert article["version"] == 1
    assert article["html"] == "<p>You have <strong>30 days</strong>.</p>\n"
    assert article["help_url"] == "/help/articles/returns-policy"
    read = client.get(f"{KB}/articles/{article['id']}", headers=cast.alice.headers)
    assert read.status_code == 200
    assert read.json()["title"] == "Returns policy"


def test_every_save_is_a_version_and_a_rollback_restores_an_old_one(
    client: TestClient, cast: Cast
) -> None:
    article = write(client, cast, title="Shipping times", body="Two days.")
    url = f"{KB}/articles/{article['id']}"
    h = cast.olivia.headers
    client.patch(url, json={"body": "Three days.", "note": "carrier change"}, headers=h)
    same = client.patch(url, json={"body": "Three days."}, headers=h)
    assert same.json()["version"] == 2  # an unchanged save is no new version
    versions = client.get(f"{url}/versions", headers=cast.alice.headers).json()["items"]
    assert [(v["version"], v["body"], v["note"]) for v in versions] == [
        (2, "Three days.", "carrier change"),
        (1, "Two days.", "created"),
    ]
    rolled = client.post(f"{url}/rollback", json={"version": 1}, headers=h)
    assert rolled.status_code == 200, rolled.text
    assert (rolled.json()["version"], rolled.json()["body"]) == (3, "Two days.")
    versions = client.get(f"{url}/versions", headers=h).json()["items"]
    assert versions[0]["note"] == "rollback to version 1"
    missing = client.post(f"{url}/rollback", json={"version": 9}, headers=h)
    assert missing.status_code == 404
    assert missing.json()["errors"] == [
        {"field": "version", "message": f"article {article['id']} has no version 9"}
    ]


def test_a_translation_shares_the_slug_and_lists_its_siblings(
    client: TestClient, cast: Cast
) -> None:
    shipping = category(client, cast, "shipping", "Shipping")
    english = write(client, cast, title="Track your parcel", category_id=shipping)
    spanish = write(
        client, cast, title="Sigue tu paquete", locale="es", translation_of=english["id"]
    )
    assert (spanish["slug"], spanish["category_id"]) == ("track-your-parcel", shipping)
    assert spanish["translation_group"] == english["id"]
    assert spanish["help_url"] == "/help/articles/track-your-parcel?locale=es"
    read = client.get(f"{KB}/articles/{english['id']}", headers=cast.alice.headers).json()
    assert [(t["locale"], t["title"]) for t in read["translations"]] == [("es", "Sigue tu paquete")]
    again = client.post(
        f"{KB}/articles",
        json={"title": "Otra", "locale": "es", "translation_of": english["id"]},
        headers=cast.olivia.headers,
    )
    assert again.status_code == 409
    assert again.json()["type"].endswith("/kb-conflict")


def test_bad_input_is_a_precise_problem(client: TestClient, cast: Cast) -> None:
    h = cast.olivia.headers
    unknown = client.post(f"{KB}/articles", json={"title": "x", "colour": "red"}, headers=h)
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "colour"
    slug = client.post(f"{KB}/articles", json={"title": "x", "slug": "Not A Slug"}, headers=h)
    assert slug.status_code == 422
    assert slug.json()["errors"][0]["field"] == "slug"
    no_category = client.post(f"{KB}/articles", json={"title": "x", "category_id": 77}, headers=h)
    assert no_category.status_code == 422
    assert no_category.json()["errors"] == [{"field": "category_id", "message": "no category 77"}]
    write(client, cast, title="Gift cards")
    taken = client.post(f"{KB}/articles", json={"title": "Gift cards"}, headers=h)
    assert taken.status_code == 409
    assert "taken in en" in taken.json()["detail"]
    article = write(client, cast, title="Vouchers")
    null = client.patch(f"{KB}/articles/{article['id']}", json={"title": None}, headers=h)
    assert null.status_code == 422


def test_deleting_a_category_keeps_its_articles(client: TestClient, cast: Cast) -> None:
    billing = category(client, cast, "billing", "Billing")
    article = write(client, cast, title="Invoices", category_id=billing)
    h = cast.olivia.headers
    assert client.delete(f"{KB}/categories/{billing}", headers=h).status_code == 204
    assert client.get(f"{KB}/articles/{article['id']}", headers=h).json()["category_id"] is None
    assert client.delete(f"{KB}/articles/{article['id']}", headers=h).status_code == 204
    assert client.get(f"{KB}/articles/{article['id']}", headers=h).status_code == 404
