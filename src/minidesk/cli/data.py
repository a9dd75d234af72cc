"""``minidesk db`` and ``minidesk store``: the schema, and the built-in store's import."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from minidesk import db
from minidesk.cli.setup import load, upgrade

db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
store_app = typer.Typer(help="The built-in store.", no_args_is_help=True)


@db_app.command("upgrade")
def dbupgrade() -> None:
    """Create or migrate the schema to the current version."""
    settings = load()
    upgrade(settings)
    typer.echo("database is up to date")


@store_app.command("import")
def store_import(
    directory: Annotated[
        Path,
        typer.Argument(
            help="Directory of customers.csv, orders.csv, payments.csv, refunds.csv, "
            "shipments.csv, cancellations.csv (any subset; see docs/store-import.md)"
        ),
    ],
) -> None:
    """Import a shop's export in one transaction: one bad row imports nothing."""
    import json

    from minidesk.commerce.bulk import import_directory
    from minidesk.commerce.imports import ImportRowError

    load()
    try:
        with db.get_db().transaction() as session:
            counts = import_directory(session, directory)
    except (ImportRowError, FileNotFoundError) as exc:
        typer.echo(f"minidesk: {exc} (nothing was imported)", err=True)
        raise typer.Exit(2) from None
    typer.echo(json.dumps(counts))
