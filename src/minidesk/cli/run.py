"""The commands that run the desk: ``serve`` (the web server), ``worker`` (job workers for
scale-out) and ``demo`` (a seeded workspace, served)."""

from __future__ import annotations

import gc
import signal
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from minidesk import allocator, db
from minidesk.cli.setup import load, upgrade_apart


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[
        int, typer.Option(help="Web worker processes (scale-out: run `minidesk worker` for jobs).")
    ] = 1,
) -> None:
    """Run the web server; with one web process, job workers run inside it."""
    import uvicorn

    from minidesk import jobs
    from minidesk.channels.email import service as email_service

    allocator.limit_arenas()  # before any thread starts
    settings = load()
    upgrade_apart(settings)
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

    from minidesk import jobs
    from minidesk.channels.email import service as email_service
    from minidesk.realtime import publisher

    allocator.limit_arenas()  # before any thread starts
    settings = load()
    huey = jobs.configure(settings)
    publisher.install(settings)  # what jobs change reaches agents' screens too
    email_service.ensure_support_address(settings)
    email = email_service.start(settings, smtp=False, imap=role != Role.INBOUND)
    from minidesk.triage import warm_up

    warm_up()  # the intent model is long-lived too: loaded before the freeze
    allocator.trim()  # what loading it freed
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
    from minidesk import jobs
    from minidesk.channels.email import service as email_service
    from minidesk.web.app import create_app

    data_dir.mkdir(parents=True, exist_ok=True)
    url = f"http://127.0.0.1:{port}"
    database_url = f"sqlite:///{data_dir.resolve()}/minidesk.db"
    settings = load(demo=True, database_url=database_url)
    if "public_url" not in settings.model_fields_set:
        # Survey, unsubscribe and reset links are built on the public URL: unset, they must
        # lead to the port this demo serves on, not the default's 8000.
        settings = load(demo=True, database_url=database_url, public_url=url)
    # The banner is what a first-time user reads: a log line per migration would bury it.
    upgrade_apart(settings, quiet=True)
    jobs.configure(settings)
    summary = demo_data.seed(db.get_db())
    email_service.ensure_support_address(settings)
    typer.echo(demo_data.banner(summary, url))
    if not seed_only:
        uvicorn.run(create_app(settings), host="127.0.0.1", port=port, log_config=None)
