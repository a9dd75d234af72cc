"""Creating and dropping the search indexes on whichever database the desk runs on."""

from __future__ import annotations

from sqlalchemy import Connection

from minidesk.search import ddl_postgres, ddl_sqlite

# The indexes' tables (and FTS5's shadow tables) start with this; the models do not describe
# them, so schema comparison (``migrate.pending_differences``) leaves them out.
TABLE_PREFIX = "search_"


def create(connection: Connection) -> None:
    """The indexes and their triggers, filled from the rows already there."""
    module = ddl_postgres if connection.dialect.name == "postgresql" else ddl_sqlite
    module.create(connection)


def drop(connection: Connection) -> None:
    module = ddl_postgres if connection.dialect.name == "postgresql" else ddl_sqlite
    module.drop(connection)


def is_index_table(name: str | None) -> bool:
    return bool(name) and str(name).startswith(TABLE_PREFIX)
