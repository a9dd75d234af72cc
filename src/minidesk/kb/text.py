"""Words of a query or an article, the same way everywhere: what the full-text query is built
from, and what the bot's dialect-independent match score compares."""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Words that carry no topic: a question's frame ("how do I ...") would otherwise match every
# article written as an answer.
STOPWORDS = frozenset(
    """a about after again all am an and any are as at be been before being but by can
    could did do does doing don for from get got had has have having he her here hers him
    his how i if in into is it its just me my myself no nor not now of off on once only or
    our ours out over own please same she should so some such than that the their them then
    there these they this those through to too under until up very was we were what when
    where which while who whom why will with would you your yours hi hello hey thanks thank
    want need know tell help question""".split()  # noqa: SIM905
)
_SUFFIXES = ("ing", "ies", "ed", "es", "s")


def stem(word: str) -> str:
    """A light English stemmer: enough that "refunds", "refunded" and "refunding" meet."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: -len(suffix)]
            return base + "y" if suffix == "ies" else base
    return word


def words(text: str) -> list[str]:
    """The topic words of ``text``, lower-cased, in order, stop words dropped."""
    return [w for w in (m.lower() for m in _WORD.findall(text)) if w not in STOPWORDS]


def terms(text: str) -> set[str]:
    return {stem(w) for w in words(text) if len(w) > 1}
