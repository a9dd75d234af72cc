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
flush just to learn it.

Each table's highest id is read once per transaction, not once per flush or ``ensure_id``
(a dispatch batch asked some 3 times per message): the connection remembers it and moves it
with the ids it hands out. Only an INSERT that leaves the id to SQLite (a Core insert such
as ``emit_many``'s, or SQL text) makes it read the table again, since only that can take an
id the connection did not choose; every transaction starts afresh.

PostgreSQL needs none of this: there the ORM already batches inserts with ``RETURNING`` in
parameter order, and sequences are the only safe source of ids across sessions, so its rows
are left alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from sqlalchemy import Connection, Engine, event, inspect
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Session, UOWTransaction, sessionmaker

from minidesk.db import holds_write_lock

SQLITE = "sqlite"
_quote = sqlite.dialect().identifier_preparer.quote


class _Ids(NamedTuple):
    key: str  # the attribute holding the id
    top: str  # SQL for the highest id stored: plain text, as this runs on every flush
    table: str
    column: str


# In a writer connection's ``info``: table → the highest id taken in this transaction, as
# far as this connection knows (see ``_note_insert`` for what makes it forget).
_TOPS = "minidesk.batch_ids.tops"
# Table → its id column, for the tables ``_ids`` knows.
_columns: dict[str, str] = {}


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
                table.name,
                column.name,
            )
            if own and column is not None
            else None
        )
        if (found := _ids[model]) is not None:
            _columns[found.table] = found.column
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
    # ``ensure_id`` runs this once per reply and outbox row while a dispatch batch's rows
    # pile up unflushed, so the scan is kept lean: each class looked up once, and the id
    # read from the instance's own dict (a pending row's id is there once set, and an unset
    # one reads as None either way) rather than through the instrumented attribute.
    keys: dict[type[Any], str | None] = {}
    for obj in session.new:
        model = type(obj)
        if (key := keys.get(model, "")) == "":
            ids = None if wanted is not None and model not in wanted else _ids_of(model)
            key = keys[model] = ids.key if ids is not None else None
        if key is None:
            continue
        current = obj.__dict__.get(key)
        if current is None:
            pending.setdefault(model, []).append(obj)
        elif current > chosen.get(model, 0):
            chosen[model] = current
    assigned = 0
    connection = session.connection()  # no autoflush: that would insert them one by one
    for model, rows in pending.items():
        ids = _ids_of(model)
        assert ids is not None  # only such models are pending here
        # The flush inserts in the order objects were added; ids follow that order, so a
        # timeline ordered by id reads as before.
        rows.sort(key=lambda obj: inspect(obj).insert_order)
        top = _take(connection, ids, len(rows), chosen.get(model, 0))
        for offset, obj in enumerate(rows, start=1):
            setattr(obj, ids.key, top + offset)
        assigned += len(rows)
    return assigned


def _take(connection: Connection, ids: _Ids, count: int, chosen: int = 0) -> int:
    """Take ``count`` ids of ``ids.table`` for this transaction; the highest one taken before
    them (the new ones follow it)."""
    tops: dict[str, int] = connection.info.setdefault(_TOPS, {})
    if (known := tops.get(ids.table)) is None:
        known = connection.exec_driver_sql(ids.top).scalar() or 0
    top = max(known, chosen)
    tops[ids.table] = top + count
    return top


def take_ids(session: Session, model: type[Any], count: int) -> range:
    """Ids for ``count`` new ``model`` rows that a Core INSERT will name (as the flush names
    the ones ``assign_ids`` sets): what SQLite would have given them, one by one. Callers
    check ``assignable`` first, and flush first if ``model`` rows may be pending."""
    ids = _ids_of(model)
    assert ids is not None, f"{model.__name__}'s ids are not SQLite's to choose"
    top = _take(session.connection(), ids, count)
    return range(top + 1, top + count + 1)


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


def _forget(connection: Connection) -> None:
    connection.info.pop(_TOPS, None)


def _note_insert(
    connection: Connection,
    _cursor: object,
    statement: str,
    _parameters: object,
    context: DefaultExecutionContext | None,
    _many: bool,
) -> None:
    """Keep the remembered highest ids true: an INSERT that names its ids (the flush's, with
    the ids chosen here) moves them up; one that leaves a table's ids to SQLite makes the
    connection read that table's highest id again, and SQL text forgets every table."""
    tops: dict[str, int] | None = connection.info.get(_TOPS)
    if not tops:
        return
    compiled = getattr(context, "compiled", None)
    table = getattr(getattr(compiled, "statement", None), "table", None)
    if context is None or compiled is None or not context.isinsert or table is None:
        if statement.lstrip()[:7].upper().startswith(("INSERT", "REPLACE", "WITH")):
            tops.clear()
        return
    name = getattr(table, "name", None)
    if name not in tops:
        return
    column = _columns[name]
    given = [params.get(column) for params in context.compiled_parameters]
    named = [value for value in given if isinstance(value, int)]
    if not named or len(named) < len(given):
        del tops[name]
    else:
        tops[name] = max(tops[name], *named)


def install(sessions: sessionmaker[Session]) -> None:
    """Have every flush of ``sessions`` (a SQLite writer's) set its new rows' ids first."""
    event.listen(sessions, "before_flush", _before_flush)
    engine = sessions.kw.get("bind")
    assert isinstance(engine, Engine)  # ``Database`` binds its writer sessions to one
    for name in ("begin", "commit", "rollback"):
        event.listen(engine, name, _forget)
    event.listen(engine, "before_cursor_execute", _note_insert)
