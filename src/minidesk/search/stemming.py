"""Snowball stemming for SQLite's index, where FTS5 stems English only (its Porter tokenizer).

A ticket in Spanish, German, French… gets its folded words stemmed in its language into the
index's ``stems`` (and ``note_stems``) column, by the ``search_stem`` SQL function that
``minidesk.db`` gives every SQLite connection, so the triggers stem in the same transaction as
any write. A query's word is looked up as typed and as each language's stem of it: the query's
language is unknown, and a stem that means nothing in one language matches nothing there.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

import snowballstemmer

from minidesk.search.languages import SNOWBALL
from minidesk.search.query import words_of

SQL_FUNCTION = "search_stem"
# A Snowball stemmer keeps the word it is working on in the object: one per thread (SQLite
# calls the function on whichever thread runs the statement).
_local = threading.local()


def _stemmer(algorithm: str) -> Any:
    cache: dict[str, Any] = _local.__dict__.setdefault("stemmers", {})
    if algorithm not in cache:
        cache[algorithm] = snowballstemmer.stemmer(algorithm)
    return cache[algorithm]


# Snowball in pure Python takes tens of microseconds a word, and a desk's words repeat: a
# backfill of 10,000 tickets stemmed 54,000 words, nearly all of them seen before.
@lru_cache(maxsize=200_000)
def stem(algorithm: str, word: str) -> str:
    return str(_stemmer(algorithm).stemWord(word))


def stems(text: str | None, language: str | None) -> str:
    """``text``'s words stemmed in ``language`` (its ISO code), space-separated; empty for
    English (FTS5's tokenizer stems it) and for a language without a stemmer."""
    algorithm = SNOWBALL.get((language or "")[:2].lower())
    if algorithm is None or not text:
        return ""
    return " ".join(stem(algorithm, word) for word in words_of(text))


def variants(words: tuple[str, ...]) -> list[tuple[str, ...]]:
    """``words`` as typed, then as each language would index them, without repeats."""
    found = [words]
    for algorithm in sorted(set(SNOWBALL.values())):
        stemmed = tuple(stem(algorithm, word) for word in words)
        if stemmed not in found:
            found.append(stemmed)
    return found
