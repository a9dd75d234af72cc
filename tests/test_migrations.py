"""`db upgrade` on an empty database yields exactly the models' schema."""

from __future__ import annotations

from pathlib import Path

from minidesk import migrate
from minidesk.db import make_engine


def test_migrated_schema_equals_the_models(migrated_template: str) -> None:
    url = (
        migrated_template
        if migrated_template.startswith("postgresql")
        else (f"sqlite:///{migrated_template}")
    )
    engine = make_engine(url)
    try:
        assert migrate.pending_differences(engine) == []
    finally:
        engine.dispose()


def test_upgrade_twice_is_harmless(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'twice.db'}"
    migrate.upgrade(url)
    migrate.upgrade(url)
    engine = make_engine(url)
    assert migrate.pending_differences(engine) == []
    engine.dispose()
