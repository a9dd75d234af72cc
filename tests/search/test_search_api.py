"""`GET /api/v1/search`: ranked hits with a snippet whose matches are marked and whose text is
escaped, paged by an opaque cursor."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.conftest import Cast
from tests.search.helpers import open_ticket


def test_a_hit_carries_an_escaped_snippet_with_the_match_marked(
    client: TestClient, cast: Cast
) -> None:
    number = open_ticket(client, cast, "Broken blender\nThe <b>blender</b> lid cracked & leaks")
    response = client.get("/api/v1/search", params={"q": "cracked"}, headers=cast.olivia.headers)
    assert response.status_code == 200, response.text
    [hit] = response.json()["items"]
    assert (hit["type"], hit["id"], hit["title"]) == ("ticket", number, "Broken blender")
    assert "<mark>cracked</mark>" in hit["snippet"]
    assert "<b>" not in hit["snippet"]  # escaped (SQLite) or dropped as markup (PostgreSQL)
    assert "&amp;" in hit["snippet"]


def test_an_unknown_type_is_refused(client: TestClient, cast: Cast) -> None:
    response = client.get("/api/v1/search", params={"q": "x", "type": "orders"},
                          headers=cast.olivia.headers)  # fmt: skip
    assert response.status_code == 422


def test_a_forged_cursor_is_refused(client: TestClient, cast: Cast) -> None:
    for cursor in ("aWQ6MQ", "YXQ6OTk5OTk5", "!!"):  # "id:1", "at:999999", junk
        response = client.get("/api/v1/search", params={"q": "x", "cursor": cursor},
                              headers=cast.olivia.headers)  # fmt: skip
        assert response.status_code == 400, cursor
        assert response.json()["type"].endswith("/invalid-cursor")
