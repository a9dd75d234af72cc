"""A parsed query as an SQLite FTS5 MATCH expression.

Every word goes out double-quoted (an FTS5 string), and the words are letters and digits
only, so nothing the person typed can become an FTS5 operator, column filter or NEAR group.
"""

from __future__ import annotations

from collections.abc import Sequence

from minidesk.search.query import Clause, Query


def _clause(clause: Clause) -> str:
    phrase = '"' + " ".join(clause.words) + '"'
    return phrase + " *" if clause.prefix else phrase


def to_match(query: Query, columns: Sequence[str] | None = None) -> str:
    """``"refund" AND "late order" NOT "spam"``, limited to ``columns`` when given (FTS5's
    ``{a b} : (...)`` filter: what the reader may search)."""
    included = " AND ".join(_clause(c) for c in query.included)
    expression = f"({included})"
    for clause in query.excluded:
        expression = f"{expression} NOT {_clause(clause)}"
    if columns is not None:
        expression = "{" + " ".join(columns) + "} : (" + expression + ")"
    return expression
