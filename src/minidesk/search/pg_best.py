"""The best few rows for a query on PostgreSQL when relevance decides (knowledge-base
articles): the matches first, off the GIN index, then ``ts_rank`` over a bounded window.

Ranking reads each candidate's whole document, and a word in most articles (a help centre's
"order") had every one of them ranked: with statistics that did not yet know the articles the
planner tested the query on every article's document one by one (35 ms at 10,000 articles),
and with them it ranked in parallel workers whose sort carried each document (20 to 40 ms).
So the matches come off the index first (a materialised step: the planner cannot fold it
into a plan that starts elsewhere), the reader's conditions pick among them, and at most
``WINDOW`` of those are ranked: every match when there are fewer (nearly every search, and
every one in the tests), else the oldest ``WINDOW``, as a help centre's canonical articles are
usually its oldest.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, func, literal, select, true
from sqlalchemy.orm import InstrumentedAttribute, Session

if TYPE_CHECKING:  # engine imports this module
    from minidesk.search.engine import Match

# How many matches are ranked at most: ``ts_rank`` costs 1 to 2 µs a document here, so a
# few milliseconds, whatever the size of the knowledge base.
WINDOW = 1000


def best_keys(
    session: Session,
    found: Match,
    target: InstrumentedAttribute[int],
    conditions: Sequence[ColumnElement[bool]],
    *,
    limit: int,
) -> list[tuple[int, float]]:
    """The ``limit`` best keys ``found`` matches among the rows of ``target``'s table that meet
    every condition, with their ``ts_rank`` (larger is better), best first, then newest."""
    assert found.tsquery is not None
    matched = (
        (select(found.key.label("key")).select_from(found.side).where(found.where))
        .cte("matched")
        .prefix_with("MATERIALIZED")
    )
    # Each match tests the conditions on its own row, by key: a nested loop that stops at the
    # window (joined plainly, the planner hashed every article for a common word's matches,
    # 2 to 3 ms whatever the search found).
    meets = select(literal(1)).where(target == matched.c.key, *conditions).limit(1).lateral()
    window = (
        (select(matched.c.key).join(meets, true()).order_by(matched.c.key).limit(WINDOW))
        .cte("ranked_window")
        .prefix_with("MATERIALIZED")
    )
    rank: ColumnElement[Any] = func.ts_rank(found.side.c.document, found.tsquery)
    statement = (
        select(window.c.key, rank)
        .join_from(window, found.side, found.key == window.c.key)
        .order_by(rank.desc(), window.c.key.desc())
        .limit(limit)
    )
    return [(int(key), float(score)) for key, score in session.execute(statement)]
