"""A parsed query as an SQLite FTS5 MATCH expression.

Every word goes out double-quoted (an FTS5 string), and the words are letters and digits
only, so nothing the person typed can become an FTS5 operator, column filter or NEAR group.
"""

from __future__ import annotations

from collections.abc import Sequence

from minidesk.search import stemming
from minidesk.search.query import Clause, Query


def _phrase(words: tuple[str, ...]) -> str:
    return '"' + " ".join(words) + '"'


def _clause(clause: Clause, stemmed: bool) -> str:
    typed = _phrase(clause.words) + (" *" if clause.prefix else "")
    if not stemmed:
        return typed
    # A prefix is the start of a word as typed (a stem of it would be another prefix), and may
    # also be the whole word, which Snowball then stems as PostgreSQL stems a prefix: search
    # as you type finds "devolución" for "devoluciones" on both databases.
    stems = stemming.variants(clause.words)[1:]
    return "(" + " OR ".join([typed, *(_phrase(v) for v in stems)]) + ")"


def to_match(query: Query, columns: Sequence[str] | None = None, *, stemmed: bool = False) -> str:
    """``"refund" AND "late order" NOT "spam"`` (``OR`` for ``any_clause``), limited to
    ``columns`` when given (FTS5's ``{a b} : (...)`` filter: what the reader may search);
    ``stemmed`` also looks each
    phrase up as every Snowball language stems it (the index's ``stems`` columns)."""
    joiner = " OR " if query.any_clause else " AND "
    included = joiner.join(_clause(c, stemmed) for c in query.included)
    expression = f"({included})"
    for clause in query.excluded:
        expression = f"{expression} NOT {_clause(clause, stemmed)}"
    if columns is not None:
        expression = "{" + " ".join(columns) + "} : (" + expression + ")"
    return expression
