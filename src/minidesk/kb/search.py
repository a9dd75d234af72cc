"""Article search on the database's own full-text index: FTS5 with BM25 on SQLite,
``tsvector`` with ``ts_rank_cd`` on PostgreSQL (both made by migration 0027). A query's words
are OR-ed, the last one as a prefix (search as you type); ranking puts articles that hold
more of the words, in the title above all, first.

Ranks from the two engines are not comparable, so anything that must decide on a score (the
bot's "am I confident?") rescores the few articles found with ``minidesk.kb.matching``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from minidesk.kb import text as kb_text
from minidesk.kb.models import ArticleStatus, KbSearch, Visibility

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


def _sqlite(session: Session, tokens: list[str], scope: Scope, limit: int) -> list[Hit]:
    quoted = [f'"{t}"' for t in tokens]
    quoted[-1] += "*"
    where, params = _filters(scope)
    # bm25 is negative (more negative = better); title weighs 8 times the body, tags 4.
    sql = (
        "SELECT a.id, -bm25(kb_articles_fts, 8.0, 1.0, 4.0) AS rank FROM kb_articles_fts "
        "JOIN kb_articles a ON a.id = kb_articles_fts.rowid "
        f"WHERE kb_articles_fts MATCH :match AND {where} ORDER BY rank DESC LIMIT :limit"
    )
    rows = session.execute(text(sql), {**params, "match": " OR ".join(quoted), "limit": limit})
    return [Hit(int(row[0]), float(row[1])) for row in rows]


def _postgres(session: Session, tokens: list[str], scope: Scope, limit: int) -> list[Hit]:
    parts = [f"{t}" for t in tokens]
    parts[-1] += ":*"
    where, params = _filters(scope)
    sql = (
        "SELECT a.id, ts_rank_cd(a.search_fts, q) AS rank "
        "FROM kb_articles a, to_tsquery('english', :query) q "
        f"WHERE a.search_fts @@ q AND {where} ORDER BY rank DESC, a.id LIMIT :limit"
    )
    rows = session.execute(text(sql), {**params, "query": " | ".join(parts), "limit": limit})
    return [Hit(int(row[0]), float(row[1])) for row in rows]


def _filters(scope: Scope) -> tuple[str, dict[str, object]]:
    clauses = ["a.status = :published"]
    params: dict[str, object] = {"published": ArticleStatus.PUBLISHED.value}
    if not scope.internal:
        clauses.append("a.visibility = :public")
        params["public"] = Visibility.PUBLIC.value
    if scope.locale is not None:
        clauses.append("a.locale = :locale")
        params["locale"] = scope.locale
    if scope.category_id is not None:
        clauses.append("a.category_id = :category")
        params["category"] = scope.category_id
    return " AND ".join(clauses), params


def search(session: Session, query: str, scope: Scope, limit: int = 10) -> list[Hit]:
    """The best ``limit`` published articles for ``query`` that ``scope`` may see."""
    tokens = [t.replace('"', "") for t in _tokens(query)]
    tokens = [t for t in tokens if t]
    if not tokens:
        return []
    if session.get_bind().dialect.name == "postgresql":
        return _postgres(session, tokens, scope, limit)
    return _sqlite(session, tokens, scope, limit)


def normalise(query: str) -> str:
    """The query as analytics count it: "Refund  Policy?" and "refund policy" are one."""
    return " ".join(kb_text._WORD.findall(query.lower()))[:MAX_LOGGED_QUERY]


def log_search(session: Session, query: str, source: str, hits: list[Hit]) -> None:
    """Record a search for analytics (top queries, content gaps)."""
    normal = normalise(query)
    if normal:
        top = hits[0].article_id if hits else None
        session.add(KbSearch(query=normal, source=source, results=len(hits), top_article_id=top))
