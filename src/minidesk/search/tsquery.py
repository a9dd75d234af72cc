"""A parsed query as a PostgreSQL ``tsquery``, parsed by the database in each configuration
(language) a document may be stemmed with, then deduplicated.

Each clause goes to ``to_tsquery`` as a bound parameter such as ``'late' <-> 'ord':*`` whose
words are letters and digits only (quoted, so no operator survives). The query's language is
unknown and the documents' are not, so a clause is parsed in every configuration the index
holds; most give the same lexemes ("order" is ``order`` in English and in ``simple``), and the
index looks each distinct one up once, where a ``tsquery_or`` of a dozen copies had it walk the
same posting list a dozen times. The result is one constant, so the planner estimates it from
the index's statistics (how many rows it matches) like any literal.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from minidesk.search.languages import FALLBACK
from minidesk.search.query import Clause, Query

# Every clause parsed in every configuration, in one round trip. ``simple`` is always one of
# them: a word no stemmer knows (a name, an order number) is found as typed.
_PARSE = """
SELECT x.i, to_tsquery(CAST(c.config AS regconfig), x.t)::text
FROM unnest(CAST(:texts AS text[])) WITH ORDINALITY AS x(t, i)
CROSS JOIN ({configs}) AS c(config)
"""
_GIVEN = "SELECT unnest(CAST(:configs AS text[]))"
# The configurations an index's documents have (a table its triggers fill: the tickets'
# ``search_configs``, the articles' ``search_article_configs``).
_PRESENT = "SELECT config FROM {table} UNION SELECT :fallback"


def _text(clause: Clause, weights: str) -> str:
    last = len(clause.words) - 1
    parts = [
        f"'{word}'" + (":*" if clause.prefix and i == last else ":" if weights else "") + weights
        for i, word in enumerate(clause.words)
    ]
    return " <-> ".join(parts)


def to_tsquery(
    session: Session,
    query: Query,
    configs: Sequence[str] | None,
    weights: str = "",
    present: str = "search_configs",
) -> str | None:
    """The tsquery text for ``query`` in ``configs`` (None: those the table ``present``
    lists); ``weights`` (e.g. ``"AB"``) limits it to the parts of a document set with those
    weights (what the reader may search). None when the query can match nothing (every word of a
    clause is a stop word in every configuration)."""
    sql = _PARSE.format(configs=_PRESENT.format(table=present) if configs is None else _GIVEN)
    params: dict[str, object] = {"texts": [_text(c, weights) for c in query.clauses]}
    if configs is None:
        params["fallback"] = FALLBACK
    else:
        params["configs"] = list(configs)
    statement = text(sql).bindparams(bindparam("texts"))
    variants: dict[int, set[str]] = defaultdict(set)
    for position, parsed in session.execute(statement, params):
        if parsed:  # '' : only stop words in that configuration
            variants[int(position) - 1].add(parsed)
    included: list[str] = []
    excluded: list[str] = []
    for i, clause in enumerate(query.clauses):
        either = " | ".join(f"( {one} )" for one in sorted(variants[i]))
        if clause.exclude:
            if either:  # excluding a clause of stop words excludes nothing
                excluded.append(f"!( {either} )")
        elif either:
            included.append(f"( {either} )")
        elif not query.any_clause:  # a clause of stop words only: nothing has them all
            return None
    if not included:
        return None
    wanted = " | ".join(included) if query.any_clause else " & ".join(included)
    return " & ".join([f"( {wanted} )", *excluded])
