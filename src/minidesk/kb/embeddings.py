"""Articles' sentence embeddings, for matching a question to an article by meaning as well
as by words: "my package never showed up" shares no topic word with "Track your parcel", but
the triage model's multilingual encoder (MUSE, ``minidesk.triage.encoder``) puts them close.

Each article's embedding is stored with the version it was computed from and recomputed when
a save makes a new version (``do_embed`` from ``minidesk.kb.articles``). Readers never write:
an article whose stored embedding is missing or stale (saved before this existed, or by an
older minidesk) is embedded in memory for that request.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.kb.markdown import plain_text
from minidesk.kb.models import ArticleStatus, KbArticle, KbArticleEmbedding, Visibility
from minidesk.kb.search import Scope
from minidesk.triage.encoder import MUSE, get_encoder

ENCODER = MUSE  # multilingual: a Spanish question still meets its English article
# The encoder reads the first 600 characters: the title and the opening say what an article
# is about, so the body is cut before the tail pushes them out.
BODY_CHARS = 400


def article_text(article: KbArticle) -> str:
    tags = ", ".join(article.tags)
    return f"{article.title}. {tags + '. ' if tags else ''}{plain_text(article.body)[:BODY_CHARS]}"


def embed(texts: Sequence[str]) -> np.ndarray:
    """L2-normalised rows, one per text."""
    return get_encoder(ENCODER).encode(list(texts))


def do_embed(session: Session, article: KbArticle) -> None:
    """Store the article's embedding for its current version."""
    vector = embed([article_text(article)])[0].astype(np.float32).tobytes()
    row = session.get(KbArticleEmbedding, article.id)
    if row is None:
        session.add(KbArticleEmbedding(
            article_id=article.id, encoder=ENCODER, version=article.version, vector=vector
        ))  # fmt: skip
    else:
        row.encoder, row.version, row.vector = ENCODER, article.version, vector


def vectors(session: Session, articles: Sequence[KbArticle]) -> dict[int, np.ndarray]:
    """Each article's embedding: stored when current, else computed now (not stored)."""
    ids = [a.id for a in articles]
    stored = {
        row.article_id: row
        for row in session.scalars(
            select(KbArticleEmbedding).where(KbArticleEmbedding.article_id.in_(ids))
        )
    }
    out: dict[int, np.ndarray] = {}
    stale = []
    for article in articles:
        row = stored.get(article.id)
        if row is not None and row.version == article.version and row.encoder == ENCODER:
            out[article.id] = np.frombuffer(row.vector, dtype=np.float32)
        else:
            stale.append(article)
    if stale:
        for article, vector in zip(stale, embed([article_text(a) for a in stale]), strict=True):
            out[article.id] = vector
    return out


def nearest(session: Session, question: np.ndarray, scope: Scope, k: int) -> list[int]:
    """The ``k`` published articles ``scope`` may see whose stored embeddings are closest to
    ``question``: candidates the full-text index misses when no word is shared."""
    query = (
        select(KbArticleEmbedding.article_id, KbArticleEmbedding.vector)
        .join(KbArticle, KbArticle.id == KbArticleEmbedding.article_id)
        .where(
            KbArticle.status == ArticleStatus.PUBLISHED,
            KbArticleEmbedding.encoder == ENCODER,
            KbArticleEmbedding.version == KbArticle.version,
        )
    )
    if not scope.internal:
        query = query.where(KbArticle.visibility == Visibility.PUBLIC)
    if scope.locale is not None:
        query = query.where(KbArticle.locale == scope.locale)
    rows = session.execute(query).all()
    if not rows:
        return []
    matrix = np.stack([np.frombuffer(vector, dtype=np.float32) for _, vector in rows])
    scores = matrix @ question
    best = np.argsort(-scores, kind="stable")[:k]
    return [int(rows[i][0]) for i in best]
