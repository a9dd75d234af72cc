"""Whether SQLite can afford FTS5's ``bm25`` for a query, and the ranking used when it cannot.

``bm25`` weighs each phrase by how many rows hold it (its inverse document frequency), and
FTS5 keeps no such count: the first ``bm25`` call of a statement reads the whole list of every
phrase of the query to count it. At a million tickets that is 50 to 350 ms for a common word
("order", "late", a phrase of both) before a single row is ranked, whatever the window or the
filters (one customer's seven tickets paid it too), while finding the newest thousand matches
takes half a millisecond. So the lists are sized first, on the newest ``SAMPLE`` rows (FTS5
seeks the key range: about a millisecond a clause), and a query whose lists are long (or that
has a prefix) is ranked without ``bm25``: most matches in the index's heaviest columns (a
ticket's subject) first, then newest first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, func, literal, literal_column, text
from sqlalchemy.orm import Session

from minidesk.search import fts5
from minidesk.search.query import Query

if TYPE_CHECKING:  # engine imports this module
    from minidesk.search.engine import Index

# How many of the newest rows a list is sized on.
SAMPLE = 20_000
# The most rows ``bm25`` may have to count, over all the query's clauses: about 10 ms on a
# loaded two-core machine.
BM25_MAX_ROWS = 50_000


def bm25_affordable(
    session: Session, table: str, query: Query, columns: Sequence[str] | None, *, stemmed: bool
) -> bool:
    """Whether ``bm25`` over ``query`` counts at most ``BM25_MAX_ROWS`` rows (estimated)."""
    newest = session.execute(
        text(f"SELECT rowid FROM {table} ORDER BY rowid DESC LIMIT 1")
    ).scalar()
    if newest is None or newest <= BM25_MAX_ROWS:
        return True  # no list can be longer than the table
    counted = f"SELECT count(*) FROM {table} WHERE {table} MATCH :m AND rowid > :lo"
    if any(c.prefix for c in query.clauses):
        # FTS5 merges the lists of every word a prefix starts, whatever the key range: sizing
        # one costs as much as counting it (200 ms for "refun*" at a million tickets).
        return False
    rows = 0
    for clause in query.clauses:
        one = Query((replace(clause, exclude=False),))  # an excluded phrase is counted too
        expression = fts5.to_match(one, columns, stemmed=stemmed)
        found = session.execute(text(counted), {"m": expression, "lo": newest - SAMPLE}).scalar()
        rows += int(found or 0)
    # Keys are dense enough (a deleted ticket leaves a gap) to scale the sample up.
    return rows * newest / SAMPLE <= BM25_MAX_ROWS


def heavy_hits(index: Index, searched: Sequence[str] | None, mark: str) -> ColumnElement[int]:
    """The rank of a row when ``bm25`` is not affordable, ascending like ``bm25``: minus the
    matches in the searched columns that weigh most (a ticket's subject; FTS5's ``highlight``
    marks them, reading that column of that row only), or 0 for all when all weigh alike."""
    allowed = [c for c in index.columns if searched is None or c in searched]
    weights = dict(zip(index.columns, index.bm25_weights, strict=True))
    heaviest = max(weights[c] for c in allowed)
    heavy = [c for c in allowed if weights[c] == heaviest]
    if len(heavy) == len(allowed):
        return literal(0)
    hits: ColumnElement[int] = literal(0)
    for name in heavy:
        marked = func.highlight(literal_column(index.name), index.columns.index(name), mark, "")
        hits = hits + func.length(marked) - func.length(func.replace(marked, mark, ""))
    return -hits
