"""How well an article answers a question, on a 0-1 scale that means the same on SQLite and
PostgreSQL: the full-text index finds candidates, this scores them, and the bot answers
only above a threshold calibrated on held-out question/article pairs
(``minidesk.kb.calibration``).

The score is the share of the question's topic words the article covers, each word weighted
by how rare it is among the candidate articles (a word every article has says little), with
the title counted more than the body: a question about "gift cards" should not be answered
by an article that mentions gift cards once in passing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from minidesk.kb.markdown import plain_text
from minidesk.kb.text import terms

TITLE_WEIGHT = 0.6  # of the score: how much of the question the title covers
# Of the combined score: how close the question and the article are in meaning (the cosine of
# their sentence embeddings). Half and half: neither words nor meaning alone decides, so an
# article must share the question's topic words or be a clear paraphrase of it, and a
# question that merely sounds like a support question ("can I visit your store") scores low
# on words and only middling on meaning.
SEMANTIC_WEIGHT = 0.5


@dataclass(frozen=True)
class Candidate:
    article_id: int
    title: str
    body: str
    tags: Sequence[str] = ()


@dataclass(frozen=True)
class Match:
    article_id: int
    score: float


def score_all(question: str, candidates: Sequence[Candidate]) -> list[Match]:
    """Every candidate scored against ``question``, best first."""
    asked = terms(question)
    if not asked or not candidates:
        return []
    titles = [terms(c.title + " " + " ".join(c.tags)) for c in candidates]
    bodies = [terms(plain_text(c.body)) | t for c, t in zip(candidates, titles, strict=True)]
    n = len(candidates)
    # Smoothed inverse document frequency over the candidates (and never below 1, so a word
    # that all of a handful of candidates share still counts a little).
    weight = {w: 1.0 + math.log((n + 1) / (1 + sum(w in b for b in bodies))) for w in asked}
    total = sum(weight.values())
    matches = []
    for candidate, title, body in zip(candidates, titles, bodies, strict=True):
        in_title = sum(weight[w] for w in asked & title) / total
        in_body = sum(weight[w] for w in asked & body) / total
        score = TITLE_WEIGHT * in_title + (1 - TITLE_WEIGHT) * in_body
        matches.append(Match(candidate.article_id, round(score, 4)))
    return sorted(matches, key=lambda m: (-m.score, m.article_id))


def combine(
    lexical: Sequence[Match], cosines: dict[int, float], weight: float = SEMANTIC_WEIGHT
) -> list[Match]:
    """Word scores and meaning (cosines, negatives as 0) mixed, best first; a candidate with
    no word score (found by meaning alone) has 0 for its words."""
    words = {m.article_id: m.score for m in lexical}
    ids = set(words) | set(cosines)
    matches = [
        Match(i, round((1 - weight) * words.get(i, 0.0) + weight * max(cosines.get(i, 0.0), 0), 4))
        for i in ids
    ]
    return sorted(matches, key=lambda m: (-m.score, m.article_id))
