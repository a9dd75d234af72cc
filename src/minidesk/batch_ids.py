"""Ids for new rows, set before the flush, so each table's rows go in one statement.

On SQLite the ORM inserts a new row whose id the database assigns with one INSERT per row:
it needs each row's id back, and SQLite does not promise that a multi-row INSERT's RETURNING
rows come back in the order of the VALUES. A pipeline batch of 64 messages then cost some 250
INSERT round trips (tickets, messages, four events each), and a dispatch batch's listeners
as many again (notes, replies, outbox rows, timers, events). With the ids already set, the
flush has nothing to read back and sends each table's rows as one ``executemany``.

The ids are the ones SQLite would have chosen: a row inserted without an id gets
``max(rowid) + 1`` (tables declared ``AUTOINCREMENT`` are left alone), and a writer's
transaction holds SQLite's only write lock from its first statement (``BEGIN IMMEDIATE``),
so nobody else can take the same ids before it commits. ``install`` has every flush of a
writer's session do this; ``ensure_id`` gives one row its id at once, where code used to
flush just to learn it. PostgreSQL needs none of this: there the ORM already batches inserts
with ``RETURNING`` in parameter order, and sequences are the only safe source of ids across
sessions, so its rows are left alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from sqlalchemy import event, inspect
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session, UOWTransaction, sessionmaker

from minidesk.db import holds_write_lock

SQLITE = "sqlite"
_quote = sqlite.dialect().identifier_preparer.quote


class _Ids(NamedTuple):
    key: str  # the attribute holding the id
    top: str  # SQL for the highest id stored: plain text, as this runs on every flush


# Per mapped class: where its database-assigned integer ids are, or None.
_ids: dict[type[Any], _Ids | None] = {}


def _ids_of(model: type[Any]) -> _Ids | None:
    if model not in _ids:
        mapper = inspect(model)
        table = mapper.local_table
        column = getattr(table, "autoincrement_column", None)
        own = (
            column is not None
            and mapper.inherits is None
            and len(mapper.primary_key) == 1
            and not table.dialect_options[SQLITE].get("autoincrement")  # ids never reused
        )
        _ids[model] = (
            _Ids(
                mapper.get_property_by_column(column).key,
                f"SELECT max({_quote(column.name)}) FROM {_quote(table.name)}",
            )
            if own and column is not None
            else None
        )
    return _ids[model]


def assignable(session: Session) -> bool:
    """Whether this session may choose ids itself: SQLite, holding the write lock."""
    return session.get_bind().dialect.name == SQLITE and holds_write_lock(session)


def assign_ids(session: Session, models: Iterable[type[Any]] | None = None) -> int:
    """Give the session's pending rows (of ``models``, or of every table whose ids SQLite
    assigns) their ids, in the order they were added; how many got one. Callers check
    ``assignable`` first."""
    wanted = set(models) if models is not None else None
    pending: dict[type[Any], list[Any]] = {}
    chosen: dict[type[Any], int] = {}  # the highest id already set on a pending row
    for obj in session.new:
        model = type(obj)
        if (wanted is not None and model not in wanted) or (ids := _ids_of(model)) is None:
            continue
        current = getattr(obj, ids.key)
        if current is None:
            pending.setdefault(model, []).append(obj)
        else:
            chosen[model] = max(chosen.get(model, 0), current)
    assigned = 0
    connection = session.connection()  # no autoflush: that would insert them one by one
    for model, rows in pending.items():
        ids = _ids_of(model)
        assert ids is not None  # only such models are pending here
        # The flush inserts in the order objects were added; ids follow that order, so a
        # timeline ordered by id reads as before.
        rows.sort(key=lambda obj: inspect(obj).insert_order)
        stored = connection.exec_driver_sql(ids.top).scalar()
        top = max(stored or 0, chosen.get(model, 0))
        for offset, obj in enumerate(rows, start=1):
            setattr(obj, ids.key, top + offset)
        assigned += len(rows)
    return assigned


def ensure_id(session: Session, obj: Any) -> None:
    """Make ``obj`` (pending) know its id: chosen here where ``assignable``, else by a
    flush. The row itself goes in with the session's next flush, with its table's others."""
    if assignable(session):
        assign_ids(session, [type(obj)])
    else:
        session.flush()


def _before_flush(session: Session, _flush: UOWTransaction, _instances: object) -> None:
    if session.new and assignable(session):
        assign_ids(session)


def install(sessions: sessionmaker[Session]) -> None:
    """Have every flush of ``sessions`` (a SQLite writer's) set its new rows' ids first."""
    event.listen(sessions, "before_flush", _before_flush)
