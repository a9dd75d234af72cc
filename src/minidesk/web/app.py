"""The FastAPI application: routers, error documents, limits, health and metrics."""

from __future__ import annotations

import contextlib
import gc
import logging
from collections.abc import AsyncIterator

from fastapi import FastAPI
from fastapi.responses import PlainTextResponse, RedirectResponse
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text

from minidesk import __version__, db, jobs
from minidesk.channels.email import web as email_web
from minidesk.settings import Settings, get_settings
from minidesk.web import metrics, problems, tokens
from minidesk.web.api import (
    admin,
    auth,
    customers,
    inbound,
    integrations,
    own_tokens,
    policies,
    resolutions,
    rules,
    store,
    templates,
    tickets,
    triage,
    users,
    webhooks,
)
from minidesk.web.intake import Intake
from minidesk.web.limits import BodySizeLimit

log = logging.getLogger(__name__)

# Concurrent accepts on PostgreSQL, where each waits mostly on its commit's round trip.
INTAKE_THREADS = 4


def create_app(settings: Settings | None = None, *, embedded_workers: int | None = None) -> FastAPI:
    """Build the app. ``embedded_workers`` job threads run inside the web process (default:
    the ``MINIDESK_WORKERS`` setting; 0 when separate ``minidesk worker`` processes run)."""
    settings = settings or get_settings()
    workers = settings.workers if embedded_workers is None else embedded_workers
    # SQLite has one writer at a time, so more intake threads would only queue on its lock.
    intake = Intake(threads=1 if settings.is_sqlite else INTAKE_THREADS)
    tokens.forget_all()  # a new app may sit on another database

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        consumer = jobs.start_embedded(workers) if workers else None
        # Everything loaded so far (models, mappers, the intent model) lives as long as the
        # process: keep it out of the collector's full passes, which otherwise stall every
        # request for tens of milliseconds now and then. Once per process: an app built
        # again (tests) must not pin each earlier app's garbage for good.
        if not gc.get_freeze_count():
            gc.freeze()
        try:
            yield
        finally:
            intake.stop()
            if consumer is not None:
                consumer.stop(graceful=True)

    app = FastAPI(
        title="minidesk",
        version=__version__,
        lifespan=lifespan,
        description="Self-hosted customer-support desk. Authenticate with "
        "`Authorization: Bearer <token>` (`minidesk token create EMAIL`), or sign in with "
        "email and password through the Authorize button.",
    )
    app.state.intake = intake
    problems.install(app)
    for module in (
        auth,
        own_tokens,
        inbound,
        integrations,
        tickets,
        customers,
        users,
        admin,
        policies,
        resolutions,
        rules,
        store,
        templates,
        triage,
        webhooks,
    ):
        app.include_router(module.router)
    app.include_router(email_web.router)
    app.include_router(email_web.hooks)

    @app.get("/", include_in_schema=False)
    def front_page() -> RedirectResponse:
        return RedirectResponse("/docs")

    @app.get("/healthz", tags=["operations"])
    def healthz() -> dict[str, str]:
        """Ready when the database answers."""
        with db.get_db().sessions() as session:
            session.execute(text("SELECT 1"))
        return {"status": "ok", "version": __version__}

    @app.get("/metrics", tags=["operations"], response_class=PlainTextResponse)
    def prometheus() -> PlainTextResponse:
        return PlainTextResponse(metrics.render(), media_type=CONTENT_TYPE_LATEST)

    app.add_middleware(BodySizeLimit, max_bytes=settings.max_inbound_bytes)
    app.add_middleware(metrics.MetricsMiddleware)
    return app
