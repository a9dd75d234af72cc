"""Alembic environment: runs migrations on the configured URL with minidesk's metadata."""

from __future__ import annotations

from alembic import context

from minidesk.db import make_engine
from minidesk.migrate import include_name
from minidesk.models import Base

config = context.config


def run_migrations_online() -> None:
    url = config.get_main_option("sqlalchemy.url")
    assert url, "sqlalchemy.url is set by minidesk.migrate.alembic_config"
    engine = make_engine(url)
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        # Batch mode rebuilds a SQLite table (copy, drop, rename): with foreign keys enforced,
        # the drop fails while other tables' rows point at it. Off for the migration (outside
        # its transaction, where SQLite accepts the pragma), then checked as a whole.
        raw = connection.connection.driver_connection if sqlite else None
        if raw is not None:
            raw.execute("PRAGMA foreign_keys=OFF")
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            compare_type=True,
            include_name=include_name,
            render_as_batch=engine.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
        if raw is not None:
            broken = raw.execute("PRAGMA foreign_key_check").fetchall()
            raw.execute("PRAGMA foreign_keys=ON")
            if broken:
                raise RuntimeError(f"migration left rows pointing nowhere: {broken[:5]}")
    engine.dispose()


run_migrations_online()
