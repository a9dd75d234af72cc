"""The ``minidesk`` command."""

from __future__ import annotations

import datetime as dt
import gc
import re
import secrets
import signal
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from minidesk import db, jobs, logs
from minidesk.settings import Settings, SettingsError, configure, documented_settings, load_settings

if TYPE_CHECKING:
    from minidesk.desk.tokens import Lifetime

app = typer.Typer(
    help="minidesk — a self-hosted customer-support desk.",
    no_args_is_help=True,
    add_completion=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
user_app = typer.Typer(help="Agents and admins.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens.", no_args_is_help=True)
store_app = typer.Typer(help="The built-in store.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(store_app, name="store")
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")


def _load(**overrides: object) -> Settings:
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


def _upgrade(settings: Settings) -> None:
    from minidesk import migrate

    if settings.is_sqlite:
        path = settings.database_url.split("///", 1)[1]
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    migrate.upgrade(settings.database_url)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the schema to the current version."""
    settings = _load()
    _upgrade(settings)
    typer.echo("database is up to date")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[
        int, typer.Option(help="Web worker processes (scale-out: run `minidesk worker` for jobs).")
    ] = 1,
) -> None:
    """Run the web server; with one web process, job workers run inside it."""
    import uvicorn

    from minidesk.channels.email import service as email_service

    settings = _load()
    _upgrade(settings)
    jobs.configure(settings)
    email_service.ensure_support_address(settings)
    # Mailboxes are read where the job workers run: here, unless they run apart.
    email = email_service.start(settings, smtp=True, imap=workers == 1 and settings.workers > 0)
    try:
        if workers > 1:
            # Several web processes: jobs belong in separate `minidesk worker` processes.
            uvicorn.run(
                "minidesk.web.asgi:app_without_workers",
                host=host,
                port=port,
                workers=workers,
                log_config=None,
                # A worker loads the app (scikit-learn, the intent model) before it answers the
                # supervisor's health ping; uvicorn's 5 s default kills slow starters in a loop.
                timeout_worker_healthcheck=60,
            )
        else:
            from minidesk.web.app import create_app

            uvicorn.run(create_app(settings), host=host, port=port, log_config=None)
    finally:
        email.stop()


class Role(StrEnum):
    """What a ``minidesk worker`` process runs."""

    ALL = "all"
    INBOUND = "inbound"  # only the pipeline: take accepted messages in, in batches
    JOBS = "jobs"  # everything else: listeners, deliveries, timers, the sweep, long jobs


@app.command()
def worker(
    threads: Annotated[int, typer.Option(help="Worker threads.")] = 2,
    role: Annotated[
        Role,
        typer.Option(
            help="all: every kind of work; inbound: only take accepted messages in (what "
            "the default inbound path waits for); jobs: everything else, listeners included, "
            "so they never hold up an inbound batch's CPU"
        ),
    ] = Role.ALL,
) -> None:
    """Run job workers (scale-out): any number of these may run against one database."""
    from huey.consumer import Consumer

    from minidesk.channels.email import service as email_service
    from minidesk.realtime import publisher

    settings = _load()
    huey = jobs.configure(settings)
    publisher.install(settings)  # what jobs change reaches agents' screens too
    email_service.ensure_support_address(settings)
    email = email_service.start(settings, smtp=False, imap=role != Role.INBOUND)
    from minidesk.triage import warm_up

    warm_up()  # the intent model is long-lived too: loaded before the freeze
    gc.freeze()  # as in ``serve``: long-lived start-up objects leave the collector's passes
    drainer = jobs.start_drainer(threads) if role != Role.JOBS else None
    try:
        if role == Role.INBOUND:
            # Nothing but the drainer's threads: the events its batches commit are hinted
            # to the queue, where a ``--role jobs`` worker runs their listeners.
            signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
            while True:
                signal.pause()
        Consumer(huey, workers=threads, worker_type="thread", periodic=True, **jobs.POLL).run()
    except KeyboardInterrupt:
        pass
    finally:
        if drainer is not None:
            drainer.stop()
        email.stop()


@user_app.command("create")
def user_create(
    email: str,
    role: Annotated[str, typer.Option(help="agent, lead, manager or admin.")] = "agent",
    name: Annotated[str, typer.Option(help="Display name.")] = "",
) -> None:
    """Create a user. The password is read from stdin, or generated and printed."""
    from minidesk.desk.models import Role
    from minidesk.desk.users import UserError, do_create_user
    from minidesk.events import SYSTEM

    settings = _load()
    if role not in {r.value for r in Role}:
        typer.echo(f"minidesk: --role must be one of {', '.join(r.value for r in Role)}", err=True)
        raise typer.Exit(2)
    piped = None if sys.stdin is None or sys.stdin.isatty() else sys.stdin.read().strip()
    password = piped or secrets.token_urlsafe(12)
    try:
        with db.get_db().transaction() as session:
            do_create_user(session, email, Role(role), SYSTEM, name=name, password=password)
    except UserError as exc:
        typer.echo(f"minidesk: {exc}", err=True)
        raise typer.Exit(1) from None
    del settings
    typer.echo(f"created {role} {email}")
    if not piped:
        typer.echo(f"password: {password}")


def _lifetime(text: str | None) -> Lifetime:
    """``30d``, ``12h``, ``90m`` or ``never``; None keeps the kind's default."""
    from minidesk.desk.tokens import DEFAULT

    if text is None:
        return DEFAULT
    if text.strip().lower() == "never":
        return None
    match = re.fullmatch(r"\s*(\d+)\s*([dhm])\s*", text.lower())
    if match is None or int(match[1]) == 0:
        raise typer.BadParameter(f"{text!r}: use e.g. 30d, 12h, 90m or never")
    unit = {"d": "days", "h": "hours", "m": "minutes"}[match[2]]
    return dt.timedelta(**{unit: int(match[1])})


@token_app.command("create")
def token_create(
    email: str,
    name: Annotated[
        str | None, typer.Option(help="What it is for (default: cli, or the integration).")
    ] = None,
    integration: Annotated[
        str | None,
        typer.Option(
            help="Make it an integration credential for the API client NAME: its inbound "
            "messages vouch for the customer's identity. Give it to a service user."
        ),
    ] = None,
    expires_in: Annotated[
        str | None,
        typer.Option(
            help="30d, 12h, 90m or never (default: MINIDESK_TOKEN_LIFETIME_DAYS for a personal "
            "token, never for an integration)."
        ),
    ] = None,
) -> None:
    """Create an API token for a user and print it (it is shown only once)."""
    from sqlalchemy import select

    from minidesk.desk.models import User
    from minidesk.desk.tokens import TokenError, do_create_token
    from minidesk.events import SYSTEM

    lifetime = _lifetime(expires_in)
    _load()
    with db.get_db().transaction() as session:
        user = session.scalars(select(User).where(User.email == email.strip().lower())).first()
        if user is None:
            typer.echo(f"minidesk: no user {email}", err=True)
            raise typer.Exit(1)
        try:
            _, secret = do_create_token(
                session,
                user,
                SYSTEM,
                name or ("cli" if integration is None else ""),
                integration=integration,
                lifetime=lifetime,
            )
        except TokenError as exc:
            typer.echo(f"minidesk: {exc}", err=True)
            raise typer.Exit(1) from None
    typer.echo(secret)


@token_app.command("revoke")
def token_revoke(token_id: int) -> None:
    """Revoke a token by its id (`GET /api/v1/users/{id}/tokens` lists them)."""
    from minidesk.desk.models import ApiToken
    from minidesk.desk.tokens import do_revoke_token
    from minidesk.events import SYSTEM
    from minidesk.realtime import publisher

    publisher.install(_load())  # the token's open sockets close at once, on every process
    with db.get_db().transaction() as session:
        token = session.get(ApiToken, token_id)
        if token is None:
            typer.echo(f"minidesk: no token {token_id}", err=True)
            raise typer.Exit(1)
        do_revoke_token(session, token, SYSTEM)
    typer.echo(f"revoked token {token_id}")


@app.command()
def demo(
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    data_dir: Annotated[Path, typer.Option(help="Where the demo keeps its database.")] = Path(
        "./minidesk-demo"
    ),
    seed_only: Annotated[bool, typer.Option(help="Seed and exit without serving.")] = False,
) -> None:
    """A ready workspace: sample shop, customers, tickets, users; then serve it."""
    import uvicorn

    from minidesk import demo as demo_data
    from minidesk.channels.email import service as email_service
    from minidesk.web.app import create_app

    data_dir.mkdir(parents=True, exist_ok=True)
    settings = _load(demo=True, database_url=f"sqlite:///{data_dir.resolve()}/minidesk.db")
    # The banner is what a first-time user reads: a log line per migration would bury it.
    with logs.quiet("alembic"):
        _upgrade(settings)
    jobs.configure(settings)
    summary = demo_data.seed(db.get_db())
    email_service.ensure_support_address(settings)
    url = f"http://127.0.0.1:{port}"
    typer.echo(demo_data.banner(summary, url))
    if not seed_only:
        uvicorn.run(create_app(settings), host="127.0.0.1", port=port, log_config=None)


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

    _load()
    try:
        with db.get_db().transaction() as session:
            counts = import_directory(session, directory)
    except (ImportRowError, FileNotFoundError) as exc:
        typer.echo(f"minidesk: {exc} (nothing was imported)", err=True)
        raise typer.Exit(2) from None
    typer.echo(json.dumps(counts))


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
