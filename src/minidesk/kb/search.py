"""Article search on the search engine's index (``minidesk.search.engine``, built by
``kb.search_index``): the search box's language (words, "phrases", prefixes, -exclusions),
BM25 on SQLite and ``ts_rank`` on PostgreSQL with the title above the tags above the body,
stemming in each article's language, and the reader's filters (published, visibility, locale,
category, tag) in the same statement.

Typed into a help search box, the last word is a prefix once it has ``MIN_PREFIX`` letters
(search as you type), and topic-free words ("how do I") are dropped unless they are all there
is. Articles with every word come first; when none has them all, any word will do.

Ranks from the two engines are not comparable, so anything that must decide on a score (the
bot's "am I confident?") rescores the few articles found with ``minidesk.kb.matching``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import ColumnElement, String, cast, func, select
from sqlalchemy.orm import Session

from minidesk.kb.models import ArticleStatus, KbArticle, Visibility
from minidesk.kb.search_index import TABLE
from minidesk.kb.text import STOPWORDS
from minidesk.search import engine
from minidesk.search.languages import FALLBACK, regconfig
from minidesk.search.query import MAX_QUERY_CHARS, Clause, Query, QueryError, parse, words_of

MAX_QUERY_WORDS = 12
# A prefix this short matches too many words to be worth it ("re*": refund, return, receipt…).
MIN_PREFIX = 3


@dataclass(frozen=True)
class Hit:
    article_id: int
    rank: float  # larger is better, within one search only
    by_meaning: bool = False  # found by the sentence embeddings, not the words


@dataclass(frozen=True)
class Scope:
    """Which articles a reader may find, and the filters they asked for."""

    internal: bool = False  # agents: internal articles too
    locale: str | None = None
    category_id: int | None = None
    tag: str | None = None
    visibility: str | None = None  # only public or only internal ones (within ``internal``)


def _text(key: ColumnElement[Any], private: bool) -> ColumnElement[str]:
    row = select(func.concat_ws(" … ", KbArticle.title, KbArticle.body)).where(KbArticle.id == key)
    return row.scalar_subquery()


def _config(key: ColumnElement[Any]) -> ColumnElement[Any]:
    locale = select(KbArticle.locale).where(KbArticle.id == key).scalar_subquery()
    return func.search_regconfig(locale)


INDEX = engine.Index(
    name=TABLE,
    key="article_id",
    columns=("title", "tags", "body", "stems"),
    public_columns=("title", "tags", "body", "stems"),  # visibility is per article, not column
    public_weights="",
    bm25_weights=(8.0, 4.0, 1.0, 1.0),
    shown_columns=("title", "body"),
    stemmed=True,
    pg_text=_text,
    pg_config=_config,
    # The languages articles have (``kb.search_index``), not every one PostgreSQL ships.
    pg_configs_table="search_article_configs",
)


def _index_for(scope: Scope) -> engine.Index:
    """Within one language, a query is parsed in that language's configuration (and
    ``simple``, for names and numbers) only: fewer alternatives for the index to look up."""
    if scope.locale is None:
        return INDEX
    return replace(INDEX, pg_configs=tuple(dict.fromkeys((regconfig(scope.locale), FALLBACK))))


def kb_query(typed: str) -> Query:
    """What a help search box means by ``typed``: the search language, without topic-free
    words, at most ``MAX_QUERY_WORDS`` parts, the last bare word a prefix. Never raises: a
    customer's long message (the bot's question) keeps its first words."""
    try:
        parsed = parse(typed[:MAX_QUERY_CHARS])
    except QueryError:  # only exclusions, or too many parts: its words, plainly
        parsed = Query(tuple(Clause((w,)) for w in words_of(typed[:MAX_QUERY_CHARS])))
    topical = [
        c for c in parsed.clauses if c.exclude or len(c.words) > 1 or c.words[0] not in STOPWORDS
    ]
    # A query of stop words only ("how do I") still searches for them.
    clauses = topical if any(not c.exclude for c in topical) else list(parsed.clauses)
    clauses = clauses[:MAX_QUERY_WORDS]
    last = clauses[-1] if clauses else None
    typing = not typed.rstrip().endswith('"')  # a closed phrase is finished, not being typed
    if last is not None and typing and not last.exclude and len(last.words[-1]) >= MIN_PREFIX:
        clauses[-1] = replace(last, prefix=True)
    return Query(tuple(clauses))


def conditions(scope: Scope) -> list[ColumnElement[bool]]:
    found = [KbArticle.status == ArticleStatus.PUBLISHED]
    if not scope.internal:
        found.append(KbArticle.visibility == Visibility.PUBLIC)
    if scope.visibility is not None:  # the public asking for internal ones finds none
        found.append(KbArticle.visibility == scope.visibility)
    if scope.locale is not None:
        found.append(KbArticle.locale == scope.locale)
    if scope.category_id is not None:
        found.append(KbArticle.category_id == scope.category_id)
    if scope.tag is not None:
        # Tags are a JSON list, stored as ``["a", "b"]`` on both databases: the tag's own JSON
        # string, quotes included, is in that text exactly when the list holds the tag.
        listed = func.lower(cast(KbArticle.tags, String))
        found.append(listed.contains(json.dumps(scope.tag.strip().lower()), autoescape=True))
    return found


def search_words(
    session: Session, query: str, scope: Scope, limit: int = 10, *, any_word: bool = False
) -> list[Hit]:
    """The best ``limit`` published articles ``scope`` may see with every word of ``query``
    (or, with ``any_word``, any of them)."""
    parsed = kb_query(query)
    # Every match is ranked (``best_keys``): a help centre's canonical articles are often its
    # oldest, which the newest-first window made for a million tickets would skip.
    found = engine.best_keys(
        session, _index_for(scope), replace(parsed, any_clause=any_word), KbArticle.id,
        conditions(scope), private=False, limit=limit,
    )  # fmt: skip
    return [Hit(key, rank) for key, rank in found]


def search(
    session: Session, query: str, scope: Scope, limit: int = 10, *, any_word: bool = False
) -> list[Hit]:
    """The best ``limit`` published articles for ``query`` that ``scope`` may see: those
    with every word first; when none has them all, or with ``any_word`` (the bot's
    candidates: a question's words are rarely all in its answer), those with any."""
    if not any_word:
        found = search_words(session, query, scope, limit)
        if found or len(kb_query(query).included) < 2:
            return found
    return search_words(session, query, scope, limit, any_word=True)
