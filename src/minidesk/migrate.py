"""Schema migrations with Alembic, configured in code so no alembic.ini has to be found."""

from __future__ import annotations

import re
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from minidesk.models import Base
from minidesk.search.ddl import is_index_table


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", "minidesk:migrations")
    # "%" is interpolation syntax in ConfigParser; a password may contain one.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


# Full-text indexes differ by dialect (an SQLite FTS5 table and its shadow tables, a
# PostgreSQL tsvector column or side table and its GIN index), so migrations make them and
# the models do not know them: the knowledge base's ``*_fts`` names and search's index tables
# (``search.ddl``).
UNMODELLED = re.compile(r"_fts(?:_\w+)?$")


def modelled(name: str | None, type_: str, parent_names: Any) -> bool:
    """Alembic's ``include_name`` hook: compare everything but the full-text indexes."""
    if type_ == "table" and is_index_table(name):
        return False
    return not (type_ in ("table", "index", "column") and name and UNMODELLED.search(name))


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def pending_differences(engine: Engine) -> list[object]:
    """What autogenerate would change: empty when the database matches the models."""
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": modelled}
        )
        return list(compare_metadata(context, Base.metadata))


def new_revision(message: str) -> None:
    """Autogenerate the next revision from the models (a developer's command):
    ``python -m minidesk.migrate "add email channels"``."""
    import re
    import tempfile
    from pathlib import Path

    from alembic.script import ScriptDirectory

    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{Path(scratch) / 'scratch.db'}"
        config = alembic_config(url)
        upgrade(url)
        heads = ScriptDirectory.from_config(config).get_heads()
        number = max((int(h[:4]) for h in heads if h[:4].isdigit()), default=0) + 1
        slug = re.sub(r"[^a-z0-9]+", "_", message.lower()).strip("_")[:40]
        command.revision(config, message=message, autogenerate=True,
                         rev_id=f"{number:04d}_{slug}"[:32])


if __name__ == "__main__":
    import sys

    new_revision(" ".join(sys.argv[1:]) or "schema change")
