"""The best article for a customer's question, and whether the bot may answer with it.

``THRESHOLD`` comes from ``minidesk.kb.calibration``: on the development half of the
question/article pairs it is the lowest score at which answers were right at least 95% of
the time; the held-out half then checks it (see ``docs/knowledge-base.md``). Below it, the
bot says nothing from the knowledge base and hands off as before.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.kb.matching import Candidate, score_all
from minidesk.kb.models import KbArticle
from minidesk.kb.search import Scope, search

THRESHOLD = 0.34  # development pairs: 0.3424 (precision 1.0); held out: 0.9, recall 0.75
CANDIDATES = 8


@dataclass(frozen=True)
class Answer:
    article: KbArticle
    score: float


def best_answer(session: Session, question: str, locale: str | None = None) -> Answer | None:
    """The public article that best answers ``question`` and its score (whatever it is)."""
    hits = search(session, question, Scope(locale=locale), CANDIDATES, any_word=True)
    if not hits:
        return None
    rows = {
        a.id: a
        for a in session.scalars(
            select(KbArticle).where(KbArticle.id.in_([h.article_id for h in hits]))
        )
    }
    candidates = [
        Candidate(a.id, a.title, a.body, tuple(a.tags)) for a in (rows[h.article_id] for h in hits)
    ]
    matches = score_all(question, candidates)
    if not matches:
        return None
    return Answer(rows[matches[0].article_id], matches[0].score)


def confident_answer(
    session: Session, question: str, locale: str | None = None, threshold: float = THRESHOLD
) -> Answer | None:
    """``best_answer`` when its score reaches the calibrated threshold, else None."""
    answer = best_answer(session, question, locale)
    return answer if answer is not None and answer.score >= threshold else None
