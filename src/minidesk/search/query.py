"""The search box's language: words, "exact phrases", prefixes (``refun*``) and ``-exclusions``.

A query is parsed into clauses of plain words (letters and digits only), so what reaches a
database's full-text syntax is built here, word by word, never copied from the input: quotes,
``NEAR(``, ``:``, ``&|!`` and column filters are separators, not operators.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Longer input is refused, not cut: a query silently truncated finds the wrong things.
MAX_QUERY_CHARS = 500
MAX_CLAUSES = 16
MAX_PHRASE_WORDS = 16
# Letters and digits of any script; everything else separates words, as in FTS5's unicode61
# tokenizer and in the text PostgreSQL indexes (see ``ddl``).
_WORD = re.compile(r"[^\W_]+")
# A clause: optional "-", then a quoted phrase (closing quote optional) or a bare run.
_CLAUSE = re.compile(r'(-?)(?:"([^"]*)"?|([^\s"]+))')


class QueryError(ValueError):
    """A query the search cannot run; the message says what to change."""


@dataclass(frozen=True)
class Clause:
    """Words that must appear next to each other (one word: anywhere); ``prefix`` lets the last
    word be the start of a longer one; ``exclude`` keeps out what matches."""

    words: tuple[str, ...]
    prefix: bool = False
    exclude: bool = False


@dataclass(frozen=True)
class Query:
    clauses: tuple[Clause, ...]
    # Any included clause will do, not every one: the knowledge base's second try when no
    # article holds every word, and the bot's candidates (a question's words are rarely all
    # in its answer). Exclusions still exclude.
    any_clause: bool = False

    @property
    def empty(self) -> bool:
        return not self.clauses

    @property
    def included(self) -> tuple[Clause, ...]:
        return tuple(c for c in self.clauses if not c.exclude)

    @property
    def excluded(self) -> tuple[Clause, ...]:
        return tuple(c for c in self.clauses if c.exclude)


def fold(text: str) -> str:
    """Lower case without accents ("Rückerstattung" → "ruckerstattung"), as both indexes see
    words: FTS5's ``remove_diacritics 2`` and PostgreSQL's ``search_fold`` (see ``ddl``)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words_of(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(fold(text)))


def parse(text: str, *, prefix_words: bool = False) -> Query:
    """The query ``text`` means. ``prefix_words`` makes every bare word a prefix (a lookup
    such as customer search, where "4915112" should find "+4915112345678").

    Raises ``QueryError`` for a query too long, with too many parts, or with only exclusions
    ("everything but" is a list, not a search). A query without a letter or digit ("!!!")
    has no clauses and finds nothing.
    """
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"q is {len(text)} characters long; at most {MAX_QUERY_CHARS} are allowed")
    clauses: list[Clause] = []
    for sign, quoted, bare in _CLAUSE.findall(text):
        exclude = sign == "-"
        if not bare:  # a quoted phrase (an empty one, "", finds nothing and is dropped)
            words = words_of(quoted)
            if words:
                clauses.append(Clause(words[:MAX_PHRASE_WORDS], exclude=exclude))
            continue
        # A bare run such as "emma@example.com" or "order#123" is its words, in order.
        words = words_of(bare)
        if not words:
            continue
        prefix = prefix_words or bare.endswith("*")
        # Only the last word can be a prefix: "re*und" is "re" then "und", not a pattern.
        clauses.append(Clause(words[:MAX_PHRASE_WORDS], prefix=prefix, exclude=exclude))
    if len(clauses) > MAX_CLAUSES:
        raise QueryError(
            f"q has {len(clauses)} words or phrases; at most {MAX_CLAUSES} are allowed"
        )
    query = Query(tuple(clauses))
    if clauses and not query.included:
        raise QueryError("q has only exclusions; give at least one word to search for")
    return query


def describe(query: Query) -> str:
    """The query as the desk understood it, for messages and logs."""
    parts = []
    for clause in query.clauses:
        text = " ".join(clause.words)
        text = f'"{text}"' if len(clause.words) > 1 else text
        parts.append(("-" if clause.exclude else "") + text + ("*" if clause.prefix else ""))
    return " ".join(parts)
