"""A parsed query as a PostgreSQL ``tsquery`` expression.

Each clause becomes a ``to_tsquery`` call with a bound parameter such as ``'late' <-> 'ord':*``
whose words are letters and digits only (quoted, so no operator survives), and the clauses are
combined with ``tsquery_and``/``tsquery_not`` in SQL rather than in text. A word is matched in
every configuration (language) a document may be stemmed with: the query's language is
unknown, the document's is not, and a stem that means nothing in one language matches nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import BindParameter, ColumnElement, bindparam, cast, func, literal
from sqlalchemy.dialects.postgresql import REGCONFIG

from minidesk.search.languages import ALL_CONFIGS
from minidesk.search.query import Clause, Query


def _text(clause: Clause, weights: str) -> str:
    last = len(clause.words) - 1
    parts = [
        f"'{word}'" + (":*" if clause.prefix and i == last else ":" if weights else "") + weights
        for i, word in enumerate(clause.words)
    ]
    return " <-> ".join(parts)


def _clause(clause: Clause, configs: Sequence[str], weights: str) -> ColumnElement[object]:
    text: BindParameter[str] = bindparam(None, _text(clause, weights), unique=True)
    matched: ColumnElement[object] | None = None
    for config in configs:
        one = func.to_tsquery(cast(literal(config), REGCONFIG), text)
        matched = one if matched is None else func.tsquery_or(matched, one)
    assert matched is not None
    return matched


def to_tsquery(
    query: Query, configs: Sequence[str] = ALL_CONFIGS, weights: str = ""
) -> ColumnElement[object]:
    """The tsquery for ``query``; ``weights`` (e.g. ``"AB"``) limits it to the parts of a
    document set with those weights (what the reader may search)."""
    combined: ColumnElement[object] | None = None
    for clause in query.clauses:
        one = _clause(clause, configs, weights)
        if clause.exclude:
            one = func.tsquery_not(one)
        combined = one if combined is None else func.tsquery_and(combined, one)
    assert combined is not None
    return combined
