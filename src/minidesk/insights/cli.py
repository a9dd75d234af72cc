"""``minidesk insights rebuild``: every KPI rollup recomputed from the event log, for after an
upgrade that adds a rollup, an import written straight into the tables, or a check."""

from __future__ import annotations

import json

import typer

from minidesk import db
from minidesk.insights.rollup import rebuild

app = typer.Typer(help="Insights: KPI rollups.", no_args_is_help=True)


@app.command("rebuild")
def rebuild_rollups() -> None:
    """Recompute the KPI rollups from the event log in one transaction (the dashboards keep
    reading the old figures until it commits); prints the rows written as JSON."""
    from minidesk.cli.setup import load

    load()
    with db.get_db().transaction() as session:
        counts = rebuild(session)
    typer.echo(json.dumps(counts))


@app.callback()
def insights() -> None:
    """KPI rollups."""
