"""Calibrating the bot's "answer from an article" threshold on question/article pairs.

Pairs are questions a customer might send about the demo shop's articles (``demo_articles``),
with the article that answers each, and questions no article answers (``None``): the bot
must stay quiet on those. The pairs are split in two: ``DEVELOPMENT`` picks the threshold
(the lowest score whose answers are right at least ``TARGET_PRECISION`` of the time, so as
many questions as possible get an answer), and ``HELD_OUT``, never looked at while choosing,
reports how it does on questions it has not seen. ``python -m minidesk.kb.calibration``
prints both as JSON on a scratch database seeded with the demo articles, for the word score
alone and for words and meaning combined (what the bot uses).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

TARGET_PRECISION = 0.95
Pair = tuple[str, str | None]

DEVELOPMENT: tuple[Pair, ...] = (
    ("how long does shipping take", "shipping-times"),
    ("how many days for standard delivery?", "shipping-times"),
    ("do you ship to canada", "international-shipping"),
    ("do you do international shipping to australia", "international-shipping"),
    ("how can I track my parcel", "track-your-parcel"),
    ("what is your return policy", "return-policy"),
    ("when do I get my refund back on my card", "refund-timing"),
    ("my item arrived damaged what now", "damaged-items"),
    ("which payment methods do you accept", "payment-methods"),
    ("do you accept paypal", "payment-methods"),
    ("how do gift cards work", "gift-cards"),
    ("I forgot my password", "reset-password"),
    ("how do I unsubscribe from your newsletter", "newsletter"),
    ("do you sell gift wrapping", None),
    ("are you hiring", None),
    ("what is the meaning of life", None),
    ("can I visit your store in person", None),
    ("do you have a student discount", None),
    ("my dog ate the box", None),
    ("is the blue sweater made of wool", None),
)
HELD_OUT: tuple[Pair, ...] = (
    ("how long will shipping take to arrive", "shipping-times"),
    ("is express shipping available", "shipping-times"),
    ("can you ship to the united kingdom", "international-shipping"),
    ("who pays customs duties", "international-shipping"),
    ("where can I find my tracking number", "track-your-parcel"),
    ("what's the return window", "return-policy"),
    ("how long do refunds take", "refund-timing"),
    ("the lamp arrived broken", "damaged-items"),
    ("can I pay with apple pay", "payment-methods"),
    ("do gift cards expire", "gift-cards"),
    ("reset my password please", "reset-password"),
    ("stop sending me newsletter emails", "newsletter"),
    ("do you have a loyalty programme", None),
    ("what are your opening hours", None),
    ("can I pick up from the warehouse", None),
    ("do you make custom furniture", None),
    ("is this jacket waterproof", None),
    ("who is your ceo", None),
)


@dataclass(frozen=True)
class Scored:
    expected: str | None
    found: str | None  # the best article's slug
    score: float


@dataclass(frozen=True)
class Report:
    threshold: float
    answered: int  # questions the bot would answer
    right: int  # of those, with the expected article
    answerable: int  # questions an article answers
    asked: int = 0  # every question, answerable or not

    @property
    def precision(self) -> float:
        return self.right / self.answered if self.answered else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.answerable if self.answerable else 0.0

    @property
    def share_answered(self) -> float:
        return self.answered / self.asked if self.asked else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {"threshold": self.threshold, "answered": self.answered, "right": self.right,
                "answerable": self.answerable, "precision": round(self.precision, 3),
                "recall": round(self.recall, 3),
                "share_answered": round(self.share_answered, 3)}  # fmt: skip


def score_pairs(
    pairs: Sequence[Pair], best: Callable[[str], tuple[str, float] | None]
) -> list[Scored]:
    """Each pair's question run through ``best`` (question → best slug and score)."""
    scored = []
    for question, expected in pairs:
        found = best(question)
        scored.append(Scored(expected, found[0] if found else None, found[1] if found else 0.0))
    return scored


def report(scored: Sequence[Scored], threshold: float) -> Report:
    answered = [s for s in scored if s.found is not None and s.score >= threshold]
    return Report(
        threshold,
        len(answered),
        sum(s.found == s.expected for s in answered),
        sum(s.expected is not None for s in scored),
        len(scored),
    )


def choose_threshold(scored: Sequence[Scored]) -> float:
    """Halfway between the lowest observed score at which precision reaches
    ``TARGET_PRECISION`` and the observed score just below it: the development pairs' own
    edge would refuse a new question that scores a hair under their weakest right answer,
    while anything below the midpoint is nearer to where answers went wrong."""
    observed = sorted({s.score for s in scored if s.score > 0})
    for i, threshold in enumerate(observed):
        if report(scored, threshold).precision >= TARGET_PRECISION:
            below = observed[i - 1] if i else 0.0
            return round((below + threshold) / 2, 4)
    return 1.0


def main() -> None:  # pragma: no cover - a developer's command
    import tempfile
    from pathlib import Path

    from minidesk import db, migrate
    from minidesk.kb.answers import best_answer
    from minidesk.kb.embeddings import do_embed_all
    from minidesk.kb.seed import seed_demo_articles

    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{Path(scratch) / 'calibration.db'}"
        migrate.upgrade(url)
        database = db.configure(url)
        with database.transaction() as session:
            seed_demo_articles(session)
        with database.transaction() as session:  # no job backend here to embed them
            do_embed_all(session)
        figures = {}
        with database.sessions() as session:
            for name, semantic in (("words", False), ("words_and_meaning", True)):

                def best(question: str, semantic: bool = semantic) -> tuple[str, float] | None:
                    answer = best_answer(session, question, semantic=semantic)
                    return (answer.article.slug, answer.score) if answer else None

                development = score_pairs(DEVELOPMENT, best)
                threshold = choose_threshold(development)
                figures[name] = {
                    "development": report(development, threshold).as_dict(),
                    "held_out": report(score_pairs(HELD_OUT, best), threshold).as_dict(),
                }
        database.dispose()
    print(json.dumps(figures))


if __name__ == "__main__":  # pragma: no cover
    main()
