"""Reading articles: who may see which (``access_article``), where the help centre shows them,
and search hits joined to their rows, with articles near in meaning when words find few."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.desk.access import NotFound
from minidesk.kb.embeddings import embed, nearest
from minidesk.kb.markdown import first_paragraph
from minidesk.kb.models import ArticleStatus, KbArticle, Visibility
from minidesk.kb.search import Hit, Scope, kb_query, search, search_words
from minidesk.search.query import words_of
from minidesk.settings import get_settings

DEFAULT_LOCALE = "en"
HELP_PREFIX = "/help"
# Words finding fewer articles than this, a reader's search adds those nearest in meaning.
FEW = 3
# ... whose cosine with the query reaches this: just above the closest any development
# question that no article answers comes to an article (0.29, ``kb.calibration``). A list of
# results may show a near miss the reader skips, where the bot's answer may not, so this is
# lower than the bot's threshold; on the held-out questions no unanswerable one reaches it
# and 11 of 12 answerable ones meet their article (tests/kb/test_search_meaning.py).
MEANING_FLOOR = 0.3
# Whole words typed into a widget before its suggestions look for meaning (``typed_question``).
QUESTION_WORDS = 3


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
    by_meaning: bool = False

    @property
    def excerpt(self) -> str:
        return first_paragraph(self.article.body)


def _blended(session: Session, query: str, scope: Scope, limit: int) -> list[Hit]:
    """``search``, except that when fewer than ``FEW`` articles have every word, those nearest
    in meaning (a paraphrase, another language) come next, before any article that merely
    shares a word: one close in meaning answers better than one with a word of three."""
    every = search_words(session, query, scope, limit)
    if len(every) >= min(FEW, limit) or kb_query(query).empty:
        return every
    seen = {h.article_id for h in every}
    near = [key for key, cosine in nearest(session, embed([query])[0], scope, limit)
            if cosine >= MEANING_FLOOR and key not in seen]  # fmt: skip
    some = [] if every else search_words(session, query, scope, limit, any_word=True)
    if not near:
        return every or some
    # Ranks of different searches do not compare: the blend's rank is its order.
    keys = [h.article_id for h in every] + near
    keys += [h.article_id for h in some if h.article_id not in keys]
    keys = keys[:limit]
    return [Hit(key, float(len(keys) - i), key in near) for i, key in enumerate(keys)]


def typed_question(typed: str) -> bool:
    """Whether what a visitor typed into a widget is a question to look for by meaning: at
    least ``QUESTION_WORDS`` whole words (a word still being typed is not one yet). Shorter,
    it is a keyword on its way ("ref", "refund st"), which words find, and which the floor,
    chosen on whole questions, would let bring in near misses."""
    words = words_of(typed)
    finished = typed[-1:].isspace() or typed.rstrip()[-1:] in {"?", ".", "!"}
    return len(words if finished else words[:-1]) >= QUESTION_WORDS


def find(
    session: Session, query: str, scope: Scope, limit: int = 10, *, meaning: bool = False
) -> tuple[list[Hit], list[Found]]:
    """Search, with the articles found loaded in rank order; ``meaning`` (a reader's search)
    blends in articles near in meaning when words find few (``_blended``), unless the desk
    searches by words only (``MINIDESK_KB_MEANING``)."""
    blend = _blended if meaning and get_settings().kb_meaning else search
    hits = blend(session, query, scope, limit)
    if not hits:
        return hits, []
    rows = session.scalars(select(KbArticle).where(KbArticle.id.in_([h.article_id for h in hits])))
    by_id = {row.id: row for row in rows}
    return hits, [
        Found(by_id[h.article_id], h.rank, h.by_meaning) for h in hits if h.article_id in by_id
    ]
