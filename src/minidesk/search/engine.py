"""Matching, ranking and snippets over one search index, on SQLite (FTS5) or PostgreSQL.

An ``Index`` names a side table and what a reader without private access may search (FTS5
columns, tsvector weights); ``match`` gives the join, the WHERE clause and the ranking for a
parsed query, so the caller adds its own filters and visibility in the same statement.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    FromClause,
    Select,
    and_,
    cast,
    column,
    false,
    func,
    literal,
    literal_column,
    select,
    table,
)
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.orm import InstrumentedAttribute, Session

from minidesk.search import fts5, tsquery
from minidesk.search.query import Query

# What the databases put around a matched word in a snippet: private-use characters, swapped
# for <mark> after HTML-escaping the rest (text that holds them gets a stray mark, never HTML).
OPEN, CLOSE = "\ue000", "\ue001"
SNIPPET_WORDS = 16
# How many of the newest matches are ranked by relevance (see ``ranked_keys``).
RANK_WINDOW = 1000
ELLIPSIS = "…"


@dataclass(frozen=True)
class Index:
    name: str  # the FTS5 table (rowid = key) or the PostgreSQL side table
    key: str  # the PostgreSQL side table's key column
    columns: tuple[str, ...]  # FTS5 columns, in order
    public_columns: tuple[str, ...]  # ... those a reader without private access searches
    public_weights: str  # the tsvector weights those columns have on PostgreSQL
    bm25_weights: tuple[float, ...]  # FTS5's per-column weights, in ``columns`` order
    # PostgreSQL: the text a snippet is cut from, for a key (and whether private text counts),
    # and the configuration that text is parsed with.
    pg_text: Callable[[ColumnElement[Any], bool], ColumnElement[str]]
    pg_config: Callable[[ColumnElement[Any]], ColumnElement[Any]]
    # SQLite: the columns a snippet may be cut from (the others hold stems, not text), and
    # whether phrases are also looked up as Snowball stems them (``search.stemming``).
    shown_columns: tuple[str, ...] = ()
    stemmed: bool = False
    # The configurations a query is parsed in: those the documents were stemmed with; None
    # reads them from ``search_configs`` (the languages the tickets have).
    pg_configs: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Match:
    side: FromClause
    key: ColumnElement[Any]  # join this to the searched table's id
    where: ColumnElement[bool]
    rank: ColumnElement[Any]  # ascending: best first
    tsquery: ColumnElement[Any] | None  # PostgreSQL only (so None on SQLite)


def _sqlite(index: Index, query: Query, private: bool) -> Match:
    side = table(index.name, column("rowid"), column(index.name))
    expression = fts5.to_match(
        query, None if private else index.public_columns, stemmed=index.stemmed
    )
    where = side.c[index.name].op("MATCH")(literal(expression))
    rank = func.bm25(literal_column(index.name), *index.bm25_weights)
    return Match(side, side.c.rowid, where, rank, None)


def _postgres(session: Session, index: Index, query: Query, private: bool) -> Match:
    side = table(index.name, column(index.key), column("document"))
    weights = "" if private else index.public_weights
    parsed = tsquery.to_tsquery(session, query, index.pg_configs, weights)
    if parsed is None:
        # Stop words only: nothing matches (an empty tsquery would, with a notice per row).
        empty = cast(literal(""), TSQUERY)
        return Match(side, side.c[index.key], false(), literal(0), empty)
    wanted = cast(literal(parsed), TSQUERY)
    where = side.c.document.op("@@")(wanted)
    rank = -func.ts_rank(side.c.document, wanted)
    return Match(side, side.c[index.key], where, rank, wanted)


def match(session: Session, index: Index, query: Query, *, private: bool) -> Match:
    """How ``query`` finds rows of ``index``; ``private`` also searches what only some readers
    may see (a ticket's internal notes)."""
    if session.get_bind().dialect.name == "postgresql":
        return _postgres(session, index, query, private)
    return _sqlite(index, query, private)


def ranked_keys(
    session: Session,
    index: Index,
    query: Query,
    target: InstrumentedAttribute[int],
    conditions: Sequence[ColumnElement[bool]],
    *,
    private: bool,
    limit: int,
    offset: int = 0,
    selective: bool = False,
) -> list[int]:
    """Ids of ``target``'s table that ``query`` and every condition select: the newest
    ``RANK_WINDOW`` of them best first, then any older ones newest first.

    Ranking reads every candidate's statistics, so ranking all of a common word's matches
    grows with the table (a third of a million tickets for "order"); the newest matches come
    straight off the index in key order and the window bounds the work, while a search whose
    matches fit in the window (nearly every specific one) is ranked exactly."""
    if query.empty:
        return []
    found = match(session, index, query, private=private)
    # FTS5 answers "this row, this query?" by rereading the word's whole list, so SQLite must
    # start from the index (``+ 0`` hides the key from it as a lookup) unless the caller knows
    # its conditions pick few rows (one customer's tickets), where starting there is cheaper.
    joined = (
        found.key == target if selective or found.tsquery is not None else found.key + 0 == target
    )
    base = select(target).join(found.side, joined).where(found.where, *conditions)
    window = _window(session, found, base.add_columns(found.rank))
    wanted = offset + limit
    if wanted <= len(window) or len(window) < RANK_WINDOW:
        return window[offset:wanted]
    older = (
        base.where(target < min(window))
        .order_by(found.key.desc())
        .offset(max(0, offset - len(window)))
        .limit(wanted - max(offset, len(window)))
    )
    return window[offset:] + list(session.scalars(older))


def best_keys(
    session: Session,
    index: Index,
    query: Query,
    target: InstrumentedAttribute[int],
    conditions: Sequence[ColumnElement[bool]],
    *,
    private: bool,
    limit: int,
) -> list[tuple[int, float]]:
    """The ``limit`` best ids of ``target``'s table that ``query`` and every condition select,
    with their scores (larger is better, within one search), every match ranked: for a table
    of thousands of rows (knowledge-base articles), where relevance rather than recency
    decides and ranking them all costs less than a page of tickets."""
    if query.empty:
        return []
    found = match(session, index, query, private=private)
    # As in ``ranked_keys``: FTS5 starts from the index, PostgreSQL plans it.
    joined = found.key == target if found.tsquery is not None else found.key + 0 == target
    statement = (
        select(target, found.rank)
        .join(found.side, joined)
        .where(found.where, *conditions)
        .order_by(found.rank, target.desc())
        .limit(limit)
    )
    return [(int(key), -float(rank)) for key, rank in session.execute(statement)]


def _window(session: Session, found: Match, ranked: Select[tuple[int, Any]]) -> list[int]:
    """Every match, best first, when there are at most ``RANK_WINDOW``; else the newest
    ``RANK_WINDOW``, best first.

    SQLite is asked without an order first, so it picks the cheaper side to start from (a
    customer's ten tickets, or the index's list for a word); only a search with more matches
    than the window asks for the newest, which FTS5 then returns in key order and stops.
    The rank is read in the same pass (FTS5 computes it from the row it is on; asked again for
    a list of keys, it would reread the word's whole list once per key)."""
    if found.tsquery is not None:
        # PostgreSQL plans the newest-first window itself: straight down the key for a common
        # word (stopping at the window), from the GIN index and a sort of the few for a rare
        # one. Unordered, it may walk up from the oldest row instead, through every row a
        # date filter ("this month") leaves out. One row past the window says there are more.
        rows = session.execute(ranked.order_by(found.key.desc()).limit(RANK_WINDOW + 1)).all()
        rows = rows[:RANK_WINDOW]
    else:
        rows = session.execute(ranked.limit(RANK_WINDOW + 1)).all()
    if found.tsquery is None and len(rows) > RANK_WINDOW:
        rows = session.execute(ranked.order_by(found.key.desc()).limit(RANK_WINDOW)).all()
    return [int(key) for key, _ in sorted(rows, key=lambda row: (row[1], -row[0]))]


def snippets(
    session: Session, index: Index, query: Query, keys: Collection[int], *, private: bool
) -> dict[int, str]:
    """The best passage of each of ``keys``' text, HTML-escaped, matches in ``<mark>``; only
    for the rows of a page, since cutting a snippet reads the whole text."""
    if not keys or query.empty:
        return {}
    found = match(session, index, query, private=private)
    # A key range the index can seek, and the keys themselves checked on each row in it
    # (``+ 0`` keeps FTS5 from taking the IN list, which rereads the word's list per key).
    within = and_(found.key >= min(keys), found.key <= max(keys), (found.key + 0).in_(keys))
    if found.tsquery is None:
        return _fts5_snippets(session, index, found, within, private)
    options = f"StartSel={OPEN}, StopSel={CLOSE}, MaxWords=24, MinWords=8, MaxFragments=2"
    picked = func.ts_headline(
        index.pg_config(found.key), index.pg_text(found.key, private), found.tsquery, options
    )
    rows = session.execute(
        select(found.key, picked).select_from(found.side).where(found.where, within)
    )
    return {int(key): mark(text or "") for key, text in rows}


def _fts5_snippets(
    session: Session, index: Index, found: Match, within: ColumnElement[bool], private: bool
) -> dict[int, str]:
    """FTS5 cuts a snippet from one column: each text column the reader may see is cut, and
    the one with the most matches shown (FTS5's own pick, ``-1``, may be a column of stems)."""
    shown = [c for c in index.shown_columns if private or c in index.public_columns]
    cuts = [
        func.snippet(
            literal_column(index.name),
            index.columns.index(name),
            OPEN,
            CLOSE,
            ELLIPSIS,
            SNIPPET_WORDS,
        )
        for name in shown
    ]
    rows = session.execute(
        select(found.key, *cuts).select_from(found.side).where(found.where, within)
    )
    best: dict[int, str] = {}
    for key, *texts in rows:
        # Most marks wins; among equals the earlier column (the subject before the thread).
        chosen = max(texts, key=lambda t: (t or "").count(OPEN))
        best[int(key)] = mark(chosen or "")
    return best


def mark(raw: str) -> str:
    """Snippet text with the database's match markers as ``<mark>``, everything else escaped."""
    escaped = html.escape(raw, quote=False)
    return escaped.replace(OPEN, "<mark>").replace(CLOSE, "</mark>")
