"""The search log analytics read (top queries, content gaps): one row per search, with where
it came from (``SearchSource``).

The help and chat widgets search as the visitor types, so "ref", "refu" and "refund" would
be three searches and half-typed words would swamp the top queries. A widget sends its visit
key (``kb.widget.VISIT``): a search that extends the visit's previous one from the same place
within ``TYPING``, or shortens it (a letter deleted), is that search typed further, and
updates its row rather than adding one. Public callers are limited before they get here (every
widget ask spends a public write, ``desk.public_writes``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.db import utcnow
from minidesk.kb.models import KbSearch
from minidesk.search.query import words_of

MAX_LOGGED_QUERY = 200
# Longer than the widgets' pauses (300-400 ms) between asks while typing, shorter than
# reading the results and asking something else.
TYPING = dt.timedelta(seconds=30)


def normalise(query: str) -> str:
    """The query as analytics count it: "Refund  Policy?" and "refund policy" are one."""
    return " ".join(words_of(query))[:MAX_LOGGED_QUERY]


def _typing(session: Session, visit: str, source: str, normal: str) -> KbSearch | None:
    """The visit's previous search from ``source`` when ``normal`` is it typed further."""
    latest = session.scalar(
        select(KbSearch)
        .where(KbSearch.visit == visit, KbSearch.source == source)
        .order_by(KbSearch.id.desc())
        .limit(1)
    )
    if latest is None or latest.created_at < utcnow() - TYPING:
        return None
    return latest if normal.startswith(latest.query) or latest.query.startswith(normal) else None


def log_search(
    session: Session,
    query: str,
    source: str,
    found: Sequence[int],
    *,
    visit: str | None = None,
) -> None:
    """Record a search (``found``: the article ids shown, best first) for analytics."""
    normal = normalise(query)
    if not normal:
        return
    top = found[0] if found else None
    row = _typing(session, visit, source, normal) if visit is not None else None
    if row is None:
        session.add(KbSearch(query=normal, source=source, results=len(found),
                             top_article_id=top, visit=visit))  # fmt: skip
        return
    row.query, row.results, row.top_article_id, row.created_at = normal, len(found), top, utcnow()
