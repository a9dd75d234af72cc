"""On SQLite a prefix is looked up as the indexed words it starts (``search.fts5_prefix``),
which FTS5 reads lazily, newest first: it must find exactly what FTS5's own prefix query
finds, stemmed prefixes ("deliveries*") and phrases ending in one included."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from tests.conftest import ON_POSTGRES, Cast
from tests.search.helpers import found, open_ticket

from minidesk import db
from minidesk.search import fts5, fts5_prefix
from minidesk.search.query import parse
from minidesk.search.tickets import INDEX

pytestmark = pytest.mark.skipif(ON_POSTGRES, reason="FTS5 only")

TEXTS = [
    "The deliveries were late again",
    "Refunded twice for one order",
    "Please refund the shipping fee",
    "Shipping happily to Spain",
    "Generalization of the happy path",
    "Late delivery of a refundable jacket",
]
PREFIXES = [
    "deliv*", "deliveries*", "refun*", "refunded*", "ship*", "shipp*", "happ*", "happy*",
    "gener*", "late deliv*", "ref* -jacket", "zzz*", "jacket refun*",
]  # fmt: skip


def _native(session: object, q: str) -> set[int]:
    expression = fts5.to_match(parse(q), stemmed=True)
    rows = session.execute(  # type: ignore[attr-defined]
        text("SELECT rowid FROM search_tickets WHERE search_tickets MATCH :m"), {"m": expression}
    )
    return {int(r) for (r,) in rows}


def test_a_prefix_as_words_finds_what_fts5s_prefix_finds(client: TestClient, cast: Cast) -> None:
    numbers = [open_ticket(client, cast, t) for t in TEXTS]
    listed_any = False
    with db.get_db().sessions() as session:
        for q in PREFIXES:
            query = parse(q)
            listed = fts5_prefix.expand(session, INDEX.vocabulary, query)
            listed_any = listed_any or bool(listed)
            expression = fts5.to_match(query, stemmed=True, listed=listed)
            rows = session.execute(
                text("SELECT rowid FROM search_tickets WHERE search_tickets MATCH :m"),
                {"m": expression},
            )
            assert {int(r) for (r,) in rows} == _native(session, q), q
    assert listed_any  # the words were listed, not left to FTS5 every time
    # And through the API.
    assert sorted(found(client, cast.alice, "refun*")) == [numbers[1], numbers[2], numbers[5]]


def test_a_prefix_that_starts_too_many_words_is_left_to_fts5(
    client: TestClient, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_ticket(client, cast, "refund refunds refundable refunded")
    monkeypatch.setattr(fts5_prefix, "MAX_TERMS", 0)
    with db.get_db().sessions() as session:
        assert fts5_prefix.words_started(session, "search_tickets_terms", "refun") is None
        assert fts5_prefix.expand(session, "search_tickets_terms", parse("refun*")) == {}
