"""Ids for a batch's new rows, set before the flush, so each table's rows go in one statement.

On SQLite the ORM inserts a new row whose id the database assigns with one INSERT per row:
it needs each row's id back, and SQLite does not promise that a multi-row INSERT's RETURNING
rows come back in the order of the VALUES. A batch of 64 messages then costs some 250
INSERT round trips (tickets, messages, four events each), most of the pipeline's write time.
With the ids already set, the flush has nothing to read back and sends each table's rows as
one ``executemany``.

The ids are the ones SQLite would have chosen: a row inserted without an id gets
``max(rowid) + 1`` (none of these tables is ``AUTOINCREMENT``), and the pipeline's
transaction holds SQLite's only write lock from its first statement (``BEGIN IMMEDIATE``),
so nobody else can take the same ids before it commits. PostgreSQL needs none of this: there
the ORM already batches inserts with ``RETURNING`` in parameter order, and sequences are
the only safe source of ids across sessions, so this leaves its rows alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

SQLITE = "sqlite"


def assign_ids(session: Session, models: Sequence[type[Any]]) -> int:
    """Give the session's pending rows of ``models`` (id still unset) their ids, in the
    order they were added; how many got one. A no-op except on SQLite."""
    if session.get_bind().dialect.name != SQLITE:
        return 0
    pending: dict[type[Any], list[Any]] = {model: [] for model in models}
    chosen: dict[type[Any], int] = {model: 0 for model in models}  # ids set by callers
    for obj in session.new:
        rows = pending.get(type(obj))
        if rows is None:
            continue
        if obj.id is None:
            rows.append(obj)
        else:
            chosen[type(obj)] = max(chosen[type(obj)], obj.id)
    assigned = 0
    for model, rows in pending.items():
        if not rows:
            continue
        # The flush inserts in the order objects were added; ids follow that order, so a
        # timeline ordered by id reads as before.
        rows.sort(key=lambda obj: inspect(obj).insert_order)
        with session.no_autoflush:  # a flush here would insert them one by one after all
            top = max(session.scalar(select(func.max(model.id))) or 0, chosen[model])
        for offset, obj in enumerate(rows, start=1):
            obj.id = top + offset
        assigned += len(rows)
    return assigned
