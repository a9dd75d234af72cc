"""Search: the public finds public, published articles only; a signed-in agent internal ones
too; every search is logged for analytics."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Cast
from tests.kb.conftest import KB, category, write

from minidesk.db import Database
from minidesk.kb.models import KbSearch


def _titles(response: object) -> list[str]:
    return [item["title"] for item in response.json()["items"]]  # type: ignore[attr-defined]


def test_the_public_sees_public_published_articles_and_agents_internal_ones(
    client: TestClient, cast: Cast, database: Database
) -> None:
    write(client, cast, title="Refund policy", body="Refunds go back to your card in 5 days.")
    write(client, cast, title="Refund escalations", body="Refund over $200: ask a manager.",
          visibility="internal")  # fmt: skip
    write(client, cast, title="Refund draft", body="Not yet.", status="draft")
    public = client.get(f"{KB}/search", params={"q": "refund"})
    assert public.status_code == 200
    assert _titles(public) == ["Refund policy"]
    assert public.json()["items"][0]["excerpt"] == "Refunds go back to your card in 5 days."
    agent = client.get(f"{KB}/search", params={"q": "refunds"}, headers=cast.bob.headers)
    assert sorted(_titles(agent)) == ["Refund escalations", "Refund policy"]
    bad_token = client.get(
        f"{KB}/search", params={"q": "refund"}, headers={"Authorization": "Bearer nope"}
    )
    assert bad_token.status_code == 401
    with database.sessions() as session:
        logged = [(s.query, s.source, s.results) for s in session.scalars(select(KbSearch))]
    assert logged == [("refund", "api", 1), ("refunds", "agent", 2)]


def test_the_title_ranks_first_and_a_prefix_matches_as_you_type(
    client: TestClient, cast: Cast
) -> None:
    write(client, cast, title="Gift cards", body="Buy one for a friend.")
    write(client, cast, title="Payment methods", body="We take cards, PayPal and gift vouchers.")
    found = client.get(f"{KB}/search", params={"q": "gift car"})
    assert _titles(found) == ["Gift cards", "Payment methods"]


def test_locale_and_category_narrow_the_search(client: TestClient, cast: Cast) -> None:
    shipping = category(client, cast, "shipping", "Shipping")
    english = write(client, cast, title="Parcel tracking", body="Track a parcel.",
                    category_id=shipping)  # fmt: skip
    write(client, cast, title="Seguimiento", body="Parcel tracking en español.", locale="es",
          translation_of=english["id"])  # fmt: skip
    write(client, cast, title="Parcel sizes", body="Parcel limits.")
    spanish = client.get(f"{KB}/search", params={"q": "parcel", "locale": "es"})
    assert _titles(spanish) == ["Seguimiento"]
    shelf = client.get(f"{KB}/search", params={"q": "parcel", "category_id": shipping})
    assert sorted(_titles(shelf)) == ["Parcel tracking", "Seguimiento"]
    empty = client.get(f"{KB}/search", params={"q": "zeppelin"})
    assert empty.json()["items"] == []
    assert client.get(f"{KB}/search", params={"q": ""}).status_code == 422
