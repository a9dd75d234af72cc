"""Database states built once per test process and put back before each test that starts
from them (the cast, a module's world), instead of built again row by row through the ORM.

SQLite: a snapshot is a database file; a test's database is a copy of it (as the migrated
template's copy was before). PostgreSQL: a snapshot is a schema of its own holding a copy of
each table the build wrote, and where each sequence stood; after the last test's rows are
deleted, one ``INSERT ... SELECT`` per table (parents first) and a ``setval`` per sequence put
it back in one round trip. The search index's triggers fire on those inserts and rebuild its
rows, as they did during the build (the index's tables are not mapped, so not copied).
"""

from __future__ import annotations

import contextlib
import itertools
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from minidesk import spool
from minidesk.db import Database

# Snapshot schemas are named after the run's schema, so its teardown finds them all.
SCHEMA_SUFFIX = "_snapshot_"
_numbers = itertools.count(1)


@dataclass(frozen=True)
class Snapshot:
    source: str  # SQLite: the file; PostgreSQL: the schema holding the copies
    tables: tuple[str, ...] = ()  # PostgreSQL: the tables copied, parents first
    sequences: tuple[tuple[str, int], ...] = ()  # PostgreSQL: (sequence, its last value)


def _mapped_tables() -> list[str]:
    """Every mapped table, parents before children."""
    from minidesk.models import Base

    return [table.name for table in Base.metadata.sorted_tables]


def empty_written_tables(database: Database) -> None:
    """PostgreSQL: delete the rows the last test wrote and restart the sequences it used, as a
    ``TRUNCATE ... RESTART IDENTITY`` of every table would, at a fraction of the cost: a
    TRUNCATE (and an ``ALTER SEQUENCE ... RESTART``) makes new files for each relation (seconds
    on a busy server), while a test writes to a handful of tables, and deleting a few rows from
    those and a ``setval`` per used sequence are quick."""
    from minidesk.channels import service as channel_service

    # Children before parents, so that every DELETE satisfies the foreign keys.
    names = list(reversed(_mapped_tables()))
    written = " UNION ALL ".join(
        f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM \"{name}\")" for name in names
    )
    with database.engine.begin() as connection:
        dirty = set(connection.exec_driver_sql(written).scalars())
        # A rolled-back insert leaves its table empty but its sequence moved on: restart
        # every sequence that has been used, not only the written tables'.
        used = connection.exec_driver_sql(
            "SELECT sequencename, start_value FROM pg_sequences"
            " WHERE schemaname = current_schema() AND last_value IS NOT NULL"
        ).all()
        statements = [f'DELETE FROM "{name}"' for name in names if name in dirty]
        if used:  # is_called false: the next nextval() returns the start value itself
            restarts = ", ".join(f"setval('\"{name}\"', {start}, false)" for name, start in used)
            statements.append(f"SELECT {restarts}")
        if statements:
            connection.exec_driver_sql("; ".join(statements))
    # The process remembers the channel rows it made (production never deletes them).
    channel_service.forget(database)


def take(database: Database, directory: Path) -> Snapshot:
    """Snapshot what ``database`` holds now. SQLite: the file, moved into ``directory`` (the
    database is disposed of first, which folds the write-ahead log into the file)."""
    url = database.engine.url
    if url.get_backend_name() == "sqlite":
        database.dispose()
        source = Path(str(url.database))
        assert not Path(f"{source}-wal").exists(), "the write-ahead log outlived the engine"
        _drop_spool(source)
        target = directory / f"snapshot-{next(_numbers)}.db"
        shutil.move(source, target)
        return Snapshot(str(target))
    with database.engine.begin() as connection:
        schema = connection.exec_driver_sql("SELECT current_schema()").scalar_one()
        copies = f"{schema}{SCHEMA_SUFFIX}{next(_numbers)}"
        present = " UNION ALL ".join(
            f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM \"{name}\")" for name in _mapped_tables()
        )
        written = set(connection.exec_driver_sql(present).scalars())
        tables = tuple(name for name in _mapped_tables() if name in written)
        statements = [f'CREATE SCHEMA "{copies}"']
        statements += [f'CREATE TABLE "{copies}"."{name}" AS TABLE "{name}"' for name in tables]
        connection.exec_driver_sql("; ".join(statements))
        sequences = connection.exec_driver_sql(
            "SELECT sequencename, last_value FROM pg_sequences"
            " WHERE schemaname = current_schema() AND last_value IS NOT NULL"
        ).all()
    return Snapshot(copies, tables, tuple((name, int(value)) for name, value in sequences))


def scratch_file(directory: Path) -> Path:
    """A new name for a SQLite database to build a snapshot in (its spool is named after it)."""
    return directory / f"building-{next(_numbers)}.db"


def _drop_spool(database_file: Path) -> None:
    """A test's database starts without an inbox spool (a new one takes its ids from the
    inbox): the build's spool goes, once the inbox has taken in every row it holds (taken-in
    rows leave the spool later, by its housekeeping)."""
    path = spool.spool_path(f"sqlite:///{database_file}")
    if path is None or not path.exists():
        return
    with contextlib.closing(sqlite3.connect(database_file)) as connection:
        connection.execute("ATTACH DATABASE ? AS spooled", (str(path),))
        (waiting,) = connection.execute(
            "SELECT count(*) FROM spooled.spool WHERE id NOT IN (SELECT id FROM main.inbox)"
        ).fetchone()
    assert waiting == 0, f"{waiting} messages of {database_file} not taken into its inbox"
    path.unlink()


def restore(snapshot: Snapshot, database: Database) -> None:
    """PostgreSQL: put ``snapshot`` back into the emptied ``database`` (see
    ``empty_written_tables``). SQLite snapshots are copied as files instead (``copy_file``)."""
    statements = [
        f'INSERT INTO "{name}" SELECT * FROM "{snapshot.source}"."{name}"'
        for name in snapshot.tables
    ]
    if snapshot.sequences:
        positions = ", ".join(
            f"setval('\"{name}\"', {value})" for name, value in snapshot.sequences
        )
        statements.append(f"SELECT {positions}")
    with database.engine.begin() as connection:
        connection.exec_driver_sql("; ".join(statements))


def copy_file(snapshot: Snapshot, target: Path) -> None:
    shutil.copy(snapshot.source, target)
