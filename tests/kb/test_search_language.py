"""Article search runs on the search engine tickets use: the search box's language (phrases,
prefixes, exclusions), stemming in the article's own language, the filters combined, and an
index that follows every save in its transaction."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from tests.conftest import Cast
from tests.kb.conftest import KB, category, write


def _titles(client: TestClient, headers: dict[str, str] | None = None, **params: Any) -> list[str]:
    response = client.get(f"{KB}/search", params=params, headers=headers or {})
    assert response.status_code == 200, response.text
    return [item["title"] for item in response.json()["items"] if item["matched"] == "words"]


def test_phrases_and_exclusions_mean_what_they_do_in_ticket_search(
    client: TestClient, cast: Cast
) -> None:
    write(client, cast, title="Gift cards", body="A gift card never expires.")
    write(client, cast, title="Paying by card", body="A card payment, or a gift voucher.")
    assert _titles(client, q="gift card") == ["Gift cards", "Paying by card"]
    assert _titles(client, q='"gift card"') == ["Gift cards"]
    assert _titles(client, q="card -voucher") == ["Gift cards"]


def test_a_spanish_article_is_stemmed_in_spanish(client: TestClient, cast: Cast) -> None:
    english = write(client, cast, title="Returns", body="Send it back within 30 days.")
    write(client, cast, title="Devolución", body="Una devolución tarda 30 días.", locale="es",
          translation_of=english["id"])  # fmt: skip
    # Neither word is in the article; both share its Spanish stems ("tard", "devolu"), the
    # last one while it is being typed (a prefix) too.
    assert _titles(client, q="tardan devoluciones", locale="es") == ["Devolución"]
    assert _titles(client, q="tardan devoluciones", locale="en") == []


def test_tag_visibility_and_category_filters_combine(client: TestClient, cast: Cast) -> None:
    billing = category(client, cast, "billing", "Billing")
    write(client, cast, title="Invoice copies", body="Invoices by email.", tags=["Invoices"],
          category_id=billing)  # fmt: skip
    write(client, cast, title="Invoice corrections", body="Invoices fixed by finance.",
          tags=["invoices", "finance"], visibility="internal", category_id=billing)  # fmt: skip
    write(client, cast, title="Invoice address", body="Invoices go to the billing address.",
          tags=["address"])  # fmt: skip
    agent = cast.bob.headers
    assert sorted(_titles(client, agent, q="invoice", tag="invoices")) == [
        "Invoice copies", "Invoice corrections",
    ]  # fmt: skip
    assert _titles(client, agent, q="invoice", tag="invoices", visibility="internal") == [
        "Invoice corrections"
    ]
    assert _titles(client, agent, q="invoice", category_id=billing, visibility="public") == [
        "Invoice copies"
    ]
    # The public never finds an internal article, by asking for them or otherwise.
    assert _titles(client, q="invoice", visibility="internal") == []
    assert _titles(client, q="invoice", tag="finance") == []
    assert _titles(client, q="invoice", tag='invoices"]') == []  # no way out of the quotes


def test_the_index_follows_every_save_and_deletion(client: TestClient, cast: Cast) -> None:
    article = write(client, cast, title="Opening hours", body="We answer from 9 to 5.")
    assert _titles(client, q="opening") == ["Opening hours"]
    client.patch(f"{KB}/articles/{article['id']}", json={"title": "Business hours",
                 "tags": ["weekends"]}, headers=cast.olivia.headers)  # fmt: skip
    assert _titles(client, q="opening") == []
    assert _titles(client, q="business weekends") == ["Business hours"]
    client.delete(f"{KB}/articles/{article['id']}", headers=cast.olivia.headers)
    assert _titles(client, q="business") == []
