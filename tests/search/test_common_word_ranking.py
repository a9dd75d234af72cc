"""A word too common for SQLite's ``bm25`` (or a prefix) is ranked by where it matches: most
matches in the subject first, then newest first; PostgreSQL's ``ts_rank`` orders the same
tickets the same way. The lists are sized on the newest rows only."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.conftest import ON_POSTGRES, Cast
from tests.search.helpers import found, open_ticket

from minidesk import db
from minidesk.search import fts5_rank, query, tickets


@pytest.mark.parametrize("q", ["lamp", "lam*"])
def test_subject_matches_come_first_then_the_newest(
    client: TestClient, cast: Cast, monkeypatch: pytest.MonkeyPatch, q: str
) -> None:
    monkeypatch.setattr(fts5_rank, "BM25_MAX_ROWS", 0)  # every word is too common for bm25
    titled = open_ticket(client, cast, "Lamp flickers\nit started on Monday")
    older = open_ticket(client, cast, "Hello\nthe lamp")
    # Longer, so bm25 would put it below the short one: without it, newest first.
    newer = open_ticket(client, cast, "Hello\nthe lamp in the hall flickers " + "again " * 20)
    open_ticket(client, cast, "Hello\nsomething else entirely")
    assert found(client, cast.olivia, q) == [titled, newer, older]


@pytest.mark.skipif(ON_POSTGRES, reason="sizes FTS5's lists (SQLite)")
def test_a_list_is_sized_on_the_newest_rows(
    client: TestClient, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(6):
        open_ticket(client, cast, f"Hello\nthe kettle {'leaks' if i % 2 else 'is fine'}")
    open_ticket(client, cast, "Hello\nthe warranty ran out")
    monkeypatch.setattr(fts5_rank, "SAMPLE", 4)
    monkeypatch.setattr(fts5_rank, "BM25_MAX_ROWS", 3)

    def affordable(text: str) -> bool:
        with db.get_db().sessions() as session:
            parsed = query.parse(text)
            return fts5_rank.bm25_affordable(
                session, tickets.INDEX.name, parsed, None, stemmed=True
            )

    # "kettle": 3 of the newest 4 tickets, scaled to the 7 there are: 5 rows, more than 3.
    assert not affordable("kettle")
    assert affordable("warranty")  # 1 of 4, scaled: 1.75
    assert not affordable("warranty -kettle")  # an excluded phrase is counted too
    assert not affordable("warr*")  # a prefix is never sized (as costly as counting it)
