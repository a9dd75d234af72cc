"""Which published troubleshooting guide fits a customer's message, scored as articles are
(``minidesk.kb.answers``): the share of the message's topic words the guide covers (its title
as the title; its description, questions and answers as the body) mixed with how close they
are in meaning. A guide's text changes only with a new version, so its embedding is kept in
memory per (guide, version)."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.kb.embeddings import embed
from minidesk.kb.guide_models import KbGuide
from minidesk.kb.guide_tree import check_tree
from minidesk.kb.matching import Candidate, combine, score_all
from minidesk.kb.models import ArticleStatus

MAX_GUIDES = 200  # scored per message; a shop has a handful
_cache: dict[tuple[int, int], np.ndarray] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class GuideMatch:
    guide: KbGuide
    score: float


def guide_body(guide: KbGuide) -> str:
    tree = check_tree(guide.tree)
    lines = [guide.description]
    for node in tree.nodes.values():
        lines += [node.question, node.text, *(o.label for o in node.options)]
    return "\n".join(line for line in lines if line)


def _vector(guide: KbGuide) -> np.ndarray:
    key = (guide.id, guide.version)
    with _lock:
        found = _cache.get(key)
    if found is None:
        first = check_tree(guide.tree)
        opening = first.node(first.start).question
        found = embed([f"{guide.title}. {guide.description} {opening}"])[0]
        with _lock:
            _cache[key] = found
    return found


def best_guide(session: Session, message: str) -> GuideMatch | None:
    guides = list(
        session.scalars(
            select(KbGuide)
            .where(KbGuide.status == ArticleStatus.PUBLISHED)
            .order_by(KbGuide.id)
            .limit(MAX_GUIDES)
        )
    )
    if not guides:
        return None
    by_id = {g.id: g for g in guides}
    words = score_all(message, [Candidate(g.id, g.title, guide_body(g)) for g in guides])
    asked = embed([message])[0]
    matches = combine(words, {g.id: float(_vector(g) @ asked) for g in guides})
    return GuideMatch(by_id[matches[0].article_id], matches[0].score) if matches else None
