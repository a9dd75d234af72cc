"""What the search routes share: a query parsed or refused precisely, and a date range."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement

from minidesk.desk.models import Ticket
from minidesk.search.query import Query, QueryError, parse
from minidesk.web.problems import Problem


def parsed(q: str, *, prefix_words: bool = False) -> Query:
    """``q`` parsed, or a 422 ``invalid-query`` problem naming what to change."""
    try:
        return parse(q, prefix_words=prefix_words)
    except QueryError as exc:
        raise Problem(
            422, str(exc), slug="invalid-query", errors=[{"field": "q", "message": str(exc)}]
        ) from exc


def _utc(moment: dt.datetime) -> dt.datetime:
    # Stored times are UTC; a time without an offset is taken as UTC rather than refused.
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def created_between(
    after: dt.datetime | None, before: dt.datetime | None
) -> list[ColumnElement[bool]]:
    """Conditions on when a ticket was opened: at or after ``after``, strictly before
    ``before``; a 422 when the range is empty."""
    if after is not None and before is not None and _utc(after) >= _utc(before):
        raise Problem(
            422,
            f"created_after ({after.isoformat()}) must be earlier than created_before "
            f"({before.isoformat()})",
            slug="invalid-range",
        )
    conditions = []
    if after is not None:
        conditions.append(Ticket.created_at >= _utc(after))
    if before is not None:
        conditions.append(Ticket.created_at < _utc(before))
    return conditions
