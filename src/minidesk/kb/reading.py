"""Reading articles: who may see which (``access_article``), where the help centre shows them,
and search hits joined to their rows."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.desk.access import NotFound
from minidesk.kb.markdown import first_paragraph
from minidesk.kb.models import ArticleStatus, KbArticle, Visibility
from minidesk.kb.search import Hit, Scope, search

DEFAULT_LOCALE = "en"
HELP_PREFIX = "/help"


def is_public(article: KbArticle) -> bool:
    return article.status == ArticleStatus.PUBLISHED and article.visibility == Visibility.PUBLIC


def help_path(article: KbArticle) -> str | None:
    """The article's page on the public help centre; None when it is not public."""
    if not is_public(article):
        return None
    path = f"{HELP_PREFIX}/articles/{article.slug}"
    return path if article.locale == DEFAULT_LOCALE else f"{path}?locale={article.locale}"


def access_article(session: Session, article_id: int, *, staff: bool) -> KbArticle:
    """The article if the reader may see it: staff see every article, the public only
    published public ones. Not-allowed reads as not-found."""
    article = session.get(KbArticle, article_id)
    if article is None or not (staff or is_public(article)):
        raise NotFound(f"article {article_id} does not exist or is not visible to you")
    return article


def public_article(session: Session, slug: str, locale: str) -> KbArticle | None:
    return session.scalar(
        select(KbArticle).where(
            KbArticle.slug == slug,
            KbArticle.locale == locale,
            KbArticle.status == ArticleStatus.PUBLISHED,
            KbArticle.visibility == Visibility.PUBLIC,
        )
    )


@dataclass(frozen=True)
class Found:
    article: KbArticle
    rank: float

    @property
    def excerpt(self) -> str:
        return first_paragraph(self.article.body)


def find(
    session: Session, query: str, scope: Scope, limit: int = 10
) -> tuple[list[Hit], list[Found]]:
    """Search, with the articles found loaded in rank order."""
    hits = search(session, query, scope, limit)
    if not hits:
        return hits, []
    rows = session.scalars(select(KbArticle).where(KbArticle.id.in_([h.article_id for h in hits])))
    by_id = {row.id: row for row in rows}
    return hits, [Found(by_id[h.article_id], h.rank) for h in hits if h.article_id in by_id]
