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
    Integer,
    Select,
    and_,
    any_,
    bindparam,
    cast,
    column,
    false,
    func,
    literal,
    literal_column,
    select,
    table,
    true,
)
from sqlalchemy.dialects.postgresql import ARRAY, TSQUERY
from sqlalchemy.orm import InstrumentedAttribute, Session

from minidesk.search import fts5, fts5_rank, pg_best, tsquery
from minidesk.search.query import Query

# What the databases put around a matched word in a snippet: private-use characters, swapped
# for <mark> after HTML-escaping the rest (text that holds them gets a stray mark, never HTML).
OPEN, CLOSE = "\ue000", "\ue001"
SNIPPET_WORDS = 16
# How many of the newest matches are ranked by relevance (see ``ranked_keys``).
RANK_WINDOW = 1000
# PostgreSQL: how many of the newest keys a search walks in key order before it asks the
# index for the older matches instead (see ``_newest_pg``).
PROBE_ROWS = 20_000
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
    # reads them from the table ``pg_configs_table`` (the languages the documents have).
    pg_configs: tuple[str, ...] | None = None
    pg_configs_table: str = "search_configs"


@dataclass(frozen=True)
class Match:
    side: FromClause
    key: ColumnElement[Any]  # join this to the searched table's id
    where: ColumnElement[bool]
    rank: ColumnElement[Any]  # ascending: best first
    tsquery: ColumnElement[Any] | None  # PostgreSQL only (so None on SQLite)


def _sqlite(session: Session, index: Index, query: Query, private: bool) -> Match:
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
    parsed = tsquery.to_tsquery(
        session, query, index.pg_configs, weights, present=index.pg_configs_table
    )
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
    return _sqlite(session, index, query, private)


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
    filtered: bool = False,
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
    base = _matching(
        session, found, query, target, conditions, selective=selective, filtered=filtered
    )
    searched = None if private else index.public_columns
    by_weight = found.tsquery is None and not fts5_rank.bm25_affordable(
        session, index.name, query, searched, stemmed=index.stemmed
    )
    rank = fts5_rank.heavy_hits(index, searched, OPEN) if by_weight else found.rank
    # Only where the planner may overestimate a word (it knows every clause's words, and
    # nothing else picks where to start); a prefix it underestimates, and the filtered plain
    # join starts from what the statistics say.
    probe = not selective and not filtered and not any(c.prefix for c in query.clauses)
    window = _window(session, found, base, rank, selective=selective, probe=probe)
    wanted = offset + limit
    if wanted <= len(window) or len(window) < RANK_WINDOW:
        return window[offset:wanted]
    older = (
        base.where(found.key < min(window))
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
    with their scores (larger is better, within one search): for a table of thousands of rows
    (knowledge-base articles), where relevance rather than recency decides. SQLite ranks every
    match; PostgreSQL a bounded window of them (``pg_best``)."""
    if query.empty:
        return []
    found = match(session, index, query, private=private)
    if found.tsquery is not None:
        return pg_best.best_keys(session, found, target, conditions, limit=limit)
    # As in ``ranked_keys``: FTS5 starts from the index.
    statement = (
        select(target, found.rank)
        .join(found.side, found.key + 0 == target)
        .where(found.where, *conditions)
        .order_by(found.rank, target.desc())
        .limit(limit)
    )
    return [(int(key), -float(rank)) for key, rank in session.execute(statement)]


def _matching(
    session: Session,
    found: Match,
    query: Query,
    target: InstrumentedAttribute[int],
    conditions: Sequence[ColumnElement[bool]],
    *,
    selective: bool,
    filtered: bool = False,
) -> Select[tuple[int]]:
    """The keys of the rows ``found`` matches that meet every condition, joined so that each
    database starts where it should; ``filtered``: the reader asked for filters (status,
    channel, dates...), which may keep few of the matches."""
    if found.tsquery is None:
        # FTS5 answers "this row, this query?" with a seek per phrase (milliseconds for a
        # word and its stemmed forms), so SQLite must start from the index (``+ 0`` hides the
        # key from it as a lookup) unless the caller knows its conditions pick few rows (one
        # customer's tickets: seven seeks take 0.4 ms at a million tickets).
        joined = found.key == target if selective else found.key + 0 == target
        return (
            select(found.key)
            .join_from(found.side, target.class_, joined)
            .where(found.where, *conditions)
        )
    plain = (
        select(found.key)
        .join_from(target.class_, found.side, found.key == target)
        .where(found.where, *conditions)
    )
    # A prefix's matches are estimated far too few (the planner then hashed a bitmap of all
    # sixty thousand "refun*" matches at 100,000 tickets: 61 ms), so it keeps the loop below.
    known = not any(c.prefix for c in query.clauses)
    if selective or (filtered and known and not _few_matches(session, found)):
        # A word in more rows than the window is one the statistics know: the planner picks
        # where to start. (Without conditions each match is kept, and the nested loop below
        # stops at the window.) From the matches, each looked up by key (below), cost 2 to 3 µs a
        # match, and filters that keep one match in nine ("refund", open, e-mail, this month)
        # had nine thousand looked up for a window of a thousand: 41 ms at 100,000 tickets,
        # where walking the newest tickets that pass the filters and testing each one's
        # document takes 8 ms.
        return plain
    # PostgreSQL: each match looks its row up by key and tests the conditions there (a LATERAL
    # subquery with LIMIT 1 is always a nested loop). Joined plainly, a word the statistics
    # do not know (estimated at 0.5% of the rows; it is in ten of a million) had the planner
    # hash every row of the searched table to join those ten: 38 ms at 100,000 tickets, and
    # growing with the desk where the nested loop stays at a few index lookups.
    meets = select(literal(1)).where(target == found.key, *conditions).limit(1).lateral()
    return select(found.key).select_from(found.side).join(meets, true()).where(found.where)


def _few_matches(session: Session, found: Match) -> bool:
    """Whether ``found`` matches at most ``RANK_WINDOW`` rows in all, counted up to one past
    the window, newest first: a common word's count walks the key down and stops (a GIN
    bitmap is built whole first: 8 ms for a prefix's sixty thousand matches at 100,000
    tickets), a rare word's comes off the GIN index (0.1 ms). Counting only to a hundred
    had the planner walk every row for a word it thought common and was not (25 ms)."""
    some = (
        select(literal(1))
        .select_from(found.side)
        .where(found.where)
        .order_by(found.key.desc())
        .limit(RANK_WINDOW + 1)
    )
    counted = session.scalar(select(func.count()).select_from(some.subquery()))
    return int(counted or 0) <= RANK_WINDOW


def _newest_pg(session: Session, found: Match, base: Select[tuple[int]]) -> list[Any]:
    """The newest ``RANK_WINDOW + 1`` keys ``base`` selects, on PostgreSQL, without trusting
    the planner's estimate of how many rows a word matches.

    Asked in one ordered statement, the planner walks the key down from the newest row when it
    believes the word common enough to fill the window soon; a word it does not know is put at
    0.5% of the rows, so a rare or absent word ("warranty", a typo) had it walk all of them:
    350 ms of server CPU at a million tickets for no hit at all. So the walk is bounded to the
    newest ``PROBE_ROWS`` keys (a common word fills the window there), and the older matches,
    if the window is not full, are gathered in a statement of their own that the planner
    cannot turn into an ordered walk (materialised first: the GIN index hands over a rare
    word's few rows, and a word in under one row in twenty costs a bitmap of at most 5%)."""
    wanted = RANK_WINDOW + 1
    newest = session.scalar(select(func.max(found.key)).select_from(found.side))
    if newest is None:
        return []
    bound = int(newest) - PROBE_ROWS
    recent = base.where(found.key > bound).order_by(found.key.desc()).limit(wanted)
    keys: list[Any] = list(session.scalars(recent))
    if len(keys) == wanted or bound <= 0:
        return keys
    older = base.where(found.key <= bound).cte("older_matches").prefix_with("MATERIALIZED")
    older_key = older.c[0]
    rest = select(older_key).order_by(older_key.desc()).limit(wanted - len(keys))
    return keys + list(session.scalars(rest))


def _window(
    session: Session,
    found: Match,
    base: Select[tuple[int]],
    rank: ColumnElement[Any],
    *,
    selective: bool,
    probe: bool = False,
) -> list[int]:
    """Every match, best first, when there are at most ``RANK_WINDOW``; else the newest
    ``RANK_WINDOW``, best first.

    The newest come first straight off the index (FTS5 and PostgreSQL's key both walk down
    from the newest row and stop at the window; a rare word comes off the index and its few
    rows are sorted). One row past the window says there are more. Unordered, PostgreSQL may
    walk up from the oldest row, through every row a date filter ("this month") leaves out.

    PostgreSQL ranks the window's keys afterwards: ranked in the same statement, a sort of a
    prefix's sixty thousand matches (at 100,000 tickets) carried each one's document, and
    spilled to disk (250 ms against 60 ms for keys alone). FTS5 ranks the row it is on, so
    SQLite reads the rank in the same pass.

    With ``selective`` conditions SQLite is asked without an order first, so it starts from
    their few rows (a customer's tickets) rather than the word's list; only a search with more
    matches than the window then asks for the newest."""
    if found.tsquery is not None:
        if probe:
            keys = _newest_pg(session, found, base)[:RANK_WINDOW]
        else:
            keys = list(session.scalars(base.order_by(found.key.desc()).limit(RANK_WINDOW + 1)))
            keys = keys[:RANK_WINDOW]
        # One array parameter: a thousand in an IN list took longer to plan than to run.
        among = found.key == any_(bindparam("window", keys, type_=ARRAY(Integer)))
        ranks = select(found.key, rank).select_from(found.side).where(among)
        rows = list(session.execute(ranks).all()) if keys else []
    else:
        ranked = base.add_columns(rank)
        newest = ranked.order_by(found.key.desc())
        if selective:
            rows = list(session.execute(ranked.limit(RANK_WINDOW + 1)).all())
            if len(rows) > RANK_WINDOW:
                rows = list(session.execute(newest.limit(RANK_WINDOW)).all())
        else:
            rows = list(session.execute(newest.limit(RANK_WINDOW + 1)).all())[:RANK_WINDOW]
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
