"""Searches from the help widget and the chat widget's suggestions are logged with the
help centre's, each with its source, and a search typed letter by letter in one visit is one
search, so half-typed words never reach the top queries."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Cast
from tests.kb.conftest import KB, write

from minidesk.db import Database
from minidesk.kb.models import KbSearch

VISIT = "a1b2c3d4e5f6a7b8"


def _suggest(client: TestClient, q: str, **params: str) -> int:
    return client.get(f"{KB}/suggest", params={"q": q, **params}).status_code


def _logged(database: Database) -> list[tuple[str, str, int, str | None]]:
    with database.sessions() as session:
        rows = session.scalars(select(KbSearch).order_by(KbSearch.id))
        return [(r.query, r.source, r.results, r.visit) for r in rows]


def test_typing_in_the_help_widget_is_one_search(
    client: TestClient, cast: Cast, database: Database
) -> None:
    write(client, cast, title="Refund policy", body="Refunds take 5 days.")
    for typed in ("ref", "refu", "refund", "refund zz", "refund"):  # a slip, deleted
        assert _suggest(client, typed, visit=VISIT) == 200
    assert _logged(database) == [("refund", "widget", 1, VISIT)]
    # Something else in the same visit is another search; so is the same word in another.
    _suggest(client, "opening hours", visit=VISIT)
    _suggest(client, "refund", visit="ffffeeeeddddcccc")
    assert [q for q, *_ in _logged(database)] == ["refund", "opening hours", "refund"]
    report = client.get(f"{KB}/analytics", headers=cast.leo.headers).json()
    assert report["top_queries"][0] == {"query": "refund", "searches": 2, "zero_results": 0}
    assert report["zero_result_queries"] == [{"query": "opening hours", "searches": 1}]


def test_the_chat_widget_logs_its_own_source_and_a_later_search_is_new(
    client: TestClient, cast: Cast, database: Database
) -> None:
    for typed in ("parc", "parcel"):
        _suggest(client, typed, visit=VISIT, source="chat")
    _suggest(client, "parcel", visit=VISIT)  # the help widget on the same page: its own row
    assert _logged(database) == [("parcel", "chat", 0, VISIT), ("parcel", "widget", 0, VISIT)]
    with database.transaction() as session:  # a minute later, typing goes on
        for row in session.scalars(select(KbSearch)):
            row.created_at -= dt.timedelta(minutes=1)
    _suggest(client, "parcel tracking", visit=VISIT, source="chat")
    assert [q for q, *_ in _logged(database)] == ["parcel", "parcel", "parcel tracking"]


def test_without_a_visit_each_ask_is_a_search_and_bad_input_is_refused(
    client: TestClient, database: Database
) -> None:
    _suggest(client, "ref")
    _suggest(client, "refund")
    _suggest(client, "")  # the page's suggestions alone: no search
    assert [q for q, *_ in _logged(database)] == ["ref", "refund"]
    assert _suggest(client, "refund", source="bot") == 422
    assert _suggest(client, "refund", visit="x y") == 422
