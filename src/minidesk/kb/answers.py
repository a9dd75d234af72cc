"""The best article for a customer's question, and whether the bot may answer with it.

Candidates are what the full-text index finds for any of the question's words plus the few
articles nearest in meaning (``minidesk.kb.embeddings``: a paraphrase shares no word); each is
scored on words (``matching.score_all``) and meaning (the embeddings' cosine), mixed by
``matching.combine``.

``THRESHOLD`` comes from ``minidesk.kb.calibration``: on the development half of the
question/article pairs it is halfway between the lowest combined score at which answers were
right at least 95% of the time and the score just below it; the held-out half then checks it
(see ``docs/knowledge-base.md``). Below it, the bot says nothing from the knowledge base and
hands off as before. ``semantic=False``
scores on words alone, as before meaning was added, so the two can be compared on the same
pairs (``python -m minidesk.kb.calibration`` prints both).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.kb.embeddings import embed, nearest, vectors
from minidesk.kb.matching import Candidate, combine, score_all
from minidesk.kb.models import KbArticle
from minidesk.kb.search import Scope, search

# Development pairs: 0.3621 (precision 1.0, every answerable one answered); held out:
# precision 1.0, recall 0.833, 10 of 18 questions answered.
THRESHOLD = 0.36
CANDIDATES = 8
NEAREST = 3  # candidates by meaning, beside the full-text index's


@dataclass(frozen=True)
class Answer:
    article: KbArticle
    score: float


def scored(
    session: Session,
    question: str,
    scope: Scope,
    *,
    semantic: bool = True,
    also: Sequence[int] = (),
) -> list[Answer]:
    """Candidates for ``question`` in ``scope`` (and the articles ``also`` names) with their
    scores, best first."""
    ids = [h.article_id for h in search(session, question, scope, CANDIDATES, any_word=True)]
    ids += [i for i in also if i not in ids]
    asked = embed([question])[0] if semantic else None
    if asked is not None:
        ids += [i for i, _ in nearest(session, asked, scope, NEAREST) if i not in ids]
    if not ids:
        return []
    rows = {a.id: a for a in session.scalars(select(KbArticle).where(KbArticle.id.in_(ids)))}
    articles = [rows[i] for i in ids if i in rows]
    candidates = [Candidate(a.id, a.title, a.body, tuple(a.tags)) for a in articles]
    matches = score_all(question, candidates)
    if asked is not None:
        cosines = {i: float(v @ asked) for i, v in vectors(session, articles).items()}
        matches = combine(matches, cosines)
    return [Answer(rows[m.article_id], m.score) for m in matches]


def best_answer(
    session: Session, question: str, locale: str | None = None, *, semantic: bool = True
) -> Answer | None:
    """The public article that best answers ``question`` and its score (whatever it is)."""
    found = scored(session, question, Scope(locale=locale), semantic=semantic)
    return found[0] if found else None


def confident_answer(
    session: Session, question: str, locale: str | None = None, threshold: float = THRESHOLD
) -> Answer | None:
    """``best_answer`` when its score reaches the calibrated threshold, else None."""
    answer = best_answer(session, question, locale)
    return answer if answer is not None and answer.score >= threshold else None
