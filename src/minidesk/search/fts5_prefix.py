"""A prefix on SQLite looked up as the words it starts, so FTS5 reads lists lazily.

FTS5 answers ``"refun" *`` by merging the whole list of every indexed word the prefix starts
into one, whatever the key range or ``LIMIT``: 45 ms of CPU for "refun*" at a million
tickets, before the newest thousand are taken. The same words as an ``OR`` of exact terms are
read from the newest row down and stop at the window. The words come from an ``fts5vocab``
table over the index (``<index>_terms``), read over the prefix's range of terms only.

The prefix is the token FTS5 itself would look up: folded (as ``query.fold``) and, for the
Porter tokenizer, stemmed ("deliveries*" is the stem "deliveri" and every term it starts).
A term goes back into a MATCH expression, where FTS5 stems it again, so only terms that Porter
leaves as they are may be listed; a prefix with any other, or with more than ``MAX_TERMS``
words, is left to FTS5 as before.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.orm import Session

from minidesk.search.query import Clause, Query
from minidesk.search.stemming import stem

# More words than this ("re*" at a million tickets) and the OR costs more than the merge.
MAX_TERMS = 64
# FTS5's Porter tokenizer leaves shorter and longer tokens as they are.
_PORTER_MIN, _PORTER_MAX = 3, 64


def porter(word: str) -> str:
    """What FTS5's Porter tokenizer makes of a folded word (Snowball's ``porter`` is the same
    algorithm)."""
    if not _PORTER_MIN <= len(word) <= _PORTER_MAX:
        return word
    return stem("porter", word)


def _upper(prefix: str) -> str:
    """The first string after every string that starts with ``prefix``."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def words_started(session: Session, vocabulary: str, prefix: str) -> list[str] | None:
    """The indexed terms ``prefix`` starts, or None when they are too many to list or FTS5
    would not look one of them up as itself."""
    token = porter(prefix)
    found = list(
        session.scalars(
            text(f"SELECT term FROM {vocabulary} WHERE term >= :lo AND term < :hi LIMIT :n"),
            {"lo": token, "hi": _upper(token), "n": MAX_TERMS + 1},
        )
    )
    if len(found) > MAX_TERMS or any(porter(term) != term for term in found):
        return None
    return found


def expand(session: Session, vocabulary: str | None, query: Query) -> dict[Clause, Sequence[str]]:
    """For each prefix clause of ``query`` whose words can be listed, the terms its last word
    starts (a prefix that starts none is left to FTS5: it has nothing to merge)."""
    if vocabulary is None:
        return {}
    listed: dict[Clause, Sequence[str]] = {}
    for clause in query.clauses:
        if clause.prefix and clause not in listed:
            terms = words_started(session, vocabulary, clause.words[-1])
            if terms:
                listed[clause] = terms
    return listed
