"""Articles' sentence embeddings, for matching a question to an article by meaning as well
as by words: "my package never showed up" shares no topic word with "Track your parcel", but
the triage model's multilingual encoder (MUSE, ``minidesk.triage.encoder``) puts them close.

Each article's embedding is stored with the version it was computed from and recomputed after
a save makes a new version, by a job (``kb.embedding_jobs``: the encoder's weights take
seconds to load, which a save must not wait for). Readers never write and never wait: an
article whose stored embedding is missing or stale (its job not run yet, or saved by an older
minidesk) is embedded in memory when it is a candidate, and is not among the nearest until
its job has run.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.kb.markdown import plain_text
from minidesk.kb.models import KbArticle, KbArticleEmbedding
from minidesk.kb.search import Scope, conditions
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


def warm_up() -> None:
    """Load the encoder's weights now (seconds), in a process that will search by meaning,
    so that its first search does not wait for them."""
    embed(["warm-up"])


def is_current(row: KbArticleEmbedding | None, article: KbArticle) -> bool:
    return row is not None and row.version == article.version and row.encoder == ENCODER


def do_embed(session: Session, article: KbArticle) -> None:
    """Store the article's embedding for its current version, unless it is stored already
    (a job run twice embeds once)."""
    if is_current(session.get(KbArticleEmbedding, article.id), article):
        return
    vector = embed([article_text(article)])[0].astype(np.float32).tobytes()
    row = session.get(KbArticleEmbedding, article.id)
    if row is None:
        session.add(KbArticleEmbedding(
            article_id=article.id, encoder=ENCODER, version=article.version, vector=vector
        ))  # fmt: skip
    else:
        row.encoder, row.version, row.vector = ENCODER, article.version, vector


def do_embed_all(session: Session) -> int:
    """Embed every article whose stored embedding is missing or stale, where no job runs
    (a scratch database: ``kb.calibration``, the benches); how many were embedded."""
    articles = list(session.scalars(select(KbArticle)))
    stored = {row.article_id: row for row in session.scalars(select(KbArticleEmbedding))}
    stale = [a for a in articles if not is_current(stored.get(a.id), a)]
    for article in stale:
        do_embed(session, article)
    return len(stale)


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
        if is_current(row, article):
            assert row is not None
            out[article.id] = np.frombuffer(row.vector, dtype=np.float32)
        else:
            stale.append(article)
    if stale:
        for article, vector in zip(stale, embed([article_text(a) for a in stale]), strict=True):
            out[article.id] = vector
    return out


def nearest(
    session: Session, question: np.ndarray, scope: Scope, k: int
) -> list[tuple[int, float]]:
    """The ``k`` published articles ``scope`` may see (and its filters pick) whose stored
    embeddings are closest to ``question``, with their cosines, closest first: candidates the
    full-text index misses when no word is shared."""
    query = (
        select(KbArticleEmbedding.article_id, KbArticleEmbedding.vector)
        .join(KbArticle, KbArticle.id == KbArticleEmbedding.article_id)
        .where(
            KbArticleEmbedding.encoder == ENCODER,
            KbArticleEmbedding.version == KbArticle.version,
            *conditions(scope),
        )
    )
    rows = session.execute(query).all()
    if not rows:
        return []
    matrix = np.stack([np.frombuffer(vector, dtype=np.float32) for _, vector in rows])
    scores = matrix @ question
    best = np.argsort(-scores, kind="stable")[:k]
    return [(int(rows[i][0]), float(scores[i])) for i in best]
