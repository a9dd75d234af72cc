"""What every command does first: load and check the settings, set up logging, the database
and the job queue's hints; and bring the schema up to date for the commands that serve."""

from __future__ import annotations

import contextlib
import multiprocessing
from pathlib import Path

import typer

from minidesk import db, logs
from minidesk.settings import Settings, SettingsError, configure, load_settings


def load(**overrides: object) -> Settings:
    # Here, not at the top: the job queue brings the pipeline and its intent model, which
    # ``minidesk --help`` (and every command that never reaches this) should not wait for.
    from minidesk import jobs

    try:
        settings = configure(load_settings(**overrides))
    except SettingsError as exc:
        typer.echo(f"minidesk: invalid settings: {exc}", err=True)
        raise typer.Exit(2) from None
    logs.setup(settings.log_level, settings.log_format)
    db.configure(settings.database_url)
    # Rows this command writes (a user's events) are hinted to the queue, opened on the first.
    jobs.install_hints()
    return settings


def upgrade(settings: Settings) -> None:
    from minidesk import migrate

    if settings.is_sqlite:
        path = settings.database_url.split("///", 1)[1]
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    migrate.upgrade(settings.database_url)


def upgrade_apart(settings: Settings, *, quiet: bool = False) -> None:
    """``upgrade`` in a child process, for the commands that then serve for a long time:
    Alembic and what it imports (15 MB of resident memory) would otherwise stay in the web
    process for its whole life, used once. Spawned, not forked: see ``triage.fitting``.
    ``quiet`` leaves out Alembic's line per migration."""
    child = multiprocessing.get_context("spawn").Process(
        target=_upgrade_child,
        args=(settings, quiet),
        name="minidesk-db-upgrade",
    )
    child.start()
    child.join()
    if child.exitcode != 0:
        typer.echo(f"minidesk: the database upgrade failed (exit code {child.exitcode})", err=True)
        raise typer.Exit(1)


def _upgrade_child(settings: Settings, quiet: bool) -> None:
    logs.setup(settings.log_level, settings.log_format)
    with logs.quiet("alembic") if quiet else contextlib.nullcontext():
        upgrade(settings)
