"""Article search on the database's own full-text index: FTS5 with BM25 on SQLite,
``tsvector`` with ``ts_rank_cd`` on PostgreSQL (both made by migration 0027). A query's words
are OR-ed, the last one as a prefix (search as you type); ranking puts articles that hold
more of the words, in the title above all, first.

Ranks from the two engines are not comparable, so anything that must decide on a score (the
bot's "am I confident?") rescores the few articles found with ``minidesk.kb.matching``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from minidesk.kb import text as kb_text
from minidesk.kb.models import ArticleStatus, KbArticle, KbSearch, Visibility

MAX_QUERY_WORDS = 12
MAX_LOGGED_QUERY = 200


@dataclass(frozen=True)
class Hit:
    article_id: int
    rank: float  # larger is better, within one search only


@dataclass(frozen=True)
class Scope:
    """Which articles a reader may find."""

    internal: bool = False  # agents: internal articles too
    locale: str | None = None
    category_id: int | None = None


def _tokens(query: str) -> list[str]:
    found = kb_text.words(query)
    if not found:  # a query of stop words only ("how do I") still searches for them
        found = [w.lower() for w in kb_text._WORD.findall(query)]
    return found[:MAX_QUERY_WORDS]


# The full-text engine ranks this many of its best matches before the article filters
# (published, public, locale, category) apply: joining every match of a common word costs
# milliseconds per thousand articles, and the best 200 nearly always hold 10 that pass. When
# they do not and there were more, the search runs again without the cap.
RANKED = 200
# A prefix this short matches too many words to be worth it ("re*": refund, return, receipt…).
MIN_PREFIX = 3


def _ranked(session: Session, match: str, postgres: bool, cap: int | None) -> list[Hit]:
    """The engine's best matches for ``match``, best first, before any filter."""
    capped = f" LIMIT {int(cap)}" if cap else ""
    if postgres:
        sql = (
            "SELECT id, ts_rank_cd(search_fts, q) AS rank FROM kb_articles, "
            "to_tsquery('english', :match) q WHERE search_fts @@ q ORDER BY rank DESC, id"
        )
        rows = session.execute(text(sql + capped), {"match": match})
        return [Hit(int(row[0]), float(row[1])) for row in rows]
    # ``rank`` is BM25 weighted title 8, body 1, tags 4 (set by migration 0027); lower is better.
    sql = "SELECT rowid, rank FROM kb_articles_fts WHERE kb_articles_fts MATCH :match ORDER BY rank"
    rows = session.execute(text(sql + capped), {"match": match})
    return [Hit(int(row[0]), -float(row[1])) for row in rows]


def _visible(session: Session, hits: list[Hit], scope: Scope) -> set[int]:
    query = select(KbArticle.id).where(
        KbArticle.id.in_([h.article_id for h in hits]), KbArticle.status == ArticleStatus.PUBLISHED
    )
    if not scope.internal:
        query = query.where(KbArticle.visibility == Visibility.PUBLIC)
    if scope.locale is not None:
        query = query.where(KbArticle.locale == scope.locale)
    if scope.category_id is not None:
        query = query.where(KbArticle.category_id == scope.category_id)
    return set(session.scalars(query))


def _filtered(session: Session, match: str, postgres: bool, scope: Scope, limit: int) -> list[Hit]:
    ranked = _ranked(session, match, postgres, RANKED)
    visible = _visible(session, ranked, scope) if ranked else set()
    shown = [h for h in ranked if h.article_id in visible]
    if len(shown) < limit and len(ranked) == RANKED:  # filtered out, and there are more
        ranked = _ranked(session, match, postgres, None)
        visible = _visible(session, ranked, scope)
        shown = [h for h in ranked if h.article_id in visible]
    return shown[:limit]


def _match(tokens: list[str], postgres: bool, every: bool) -> str:
    """The engine's query: all words (``every``) or any, the last one as a prefix."""
    if postgres:
        parts = list(tokens)
        if len(parts[-1]) >= MIN_PREFIX:
            parts[-1] += ":*"
        return (" & " if every else " | ").join(parts)
    quoted = [f'"{t}"' for t in tokens]
    if len(tokens[-1]) >= MIN_PREFIX:
        quoted[-1] += "*"
    return (" " if every else " OR ").join(quoted)


def search(
    session: Session, query: str, scope: Scope, limit: int = 10, *, any_word: bool = False
) -> list[Hit]:
    """The best ``limit`` published articles for ``query`` that ``scope`` may see: those
    with every word first; when none has them all, or with ``any_word`` (the bot's
    candidates: a question's words are rarely all in its answer), those with any."""
    tokens = [t for t in (t.replace('"', "") for t in _tokens(query)) if t]
    if not tokens:
        return []
    postgres = session.get_bind().dialect.name == "postgresql"
    modes = (False,) if any_word else (True, False) if len(tokens) > 1 else (True,)
    for every in modes:
        hits = _filtered(session, _match(tokens, postgres, every), postgres, scope, limit)
        if hits:
            return hits
    return []


def normalise(query: str) -> str:
    """The query as analytics count it: "Refund  Policy?" and "refund policy" are one."""
    return " ".join(kb_text._WORD.findall(query.lower()))[:MAX_LOGGED_QUERY]


def log_search(session: Session, query: str, source: str, hits: list[Hit]) -> None:
    """Record a search for analytics (top queries, content gaps)."""
    normal = normalise(query)
    if normal:
        top = hits[0].article_id if hits else None
        session.add(KbSearch(query=normal, source=source, results=len(hits), top_article_id=top))
