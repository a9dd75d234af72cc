"""The ``minidesk`` command: its groups and commands, each kept in the module of its group
(``run``: serve, worker, demo; ``data``: db, store; ``accounts``: user, token), and those
the features bring (``features.commands``)."""

from __future__ import annotations

import typer

from minidesk.cli import accounts, data, run
from minidesk.settings import documented_settings

app = typer.Typer(
    help="minidesk — a self-hosted customer-support desk.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(data.db_app, name="db")
app.add_typer(data.store_app, name="store")
app.add_typer(accounts.user_app, name="user")
app.add_typer(accounts.token_app, name="token")
# In this order in ``minidesk --help``.
app.command()(run.serve)
app.command()(run.worker)
app.command()(run.demo)


@app.command("settings")
def show_settings() -> None:
    """List every MINIDESK_* variable with what it does."""
    for name, description in documented_settings().items():
        typer.echo(f"{name}\n    {description}")


def _mount_features() -> None:
    from minidesk import features

    for name, commands in features.commands().items():
        app.add_typer(commands, name=name)


_mount_features()
