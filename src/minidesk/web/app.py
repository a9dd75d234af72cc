"""The FastAPI application: the features' routers, error documents, limits, health and
metrics."""

from __future__ import annotations

import contextlib
import functools
import gc
import logging
from collections.abc import AsyncIterator

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import PlainTextResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text

from minidesk import __version__, allocator, db, features, jobs
from minidesk.realtime import publisher
from minidesk.realtime.hub import Hub
from minidesk.settings import Settings, get_settings
from minidesk.web import docs, metrics, problems, strict_query, tokens
from minidesk.web.awaiting import Awaiting
from minidesk.web.intake import Intake
from minidesk.web.limits import BodySizeLimit
from minidesk.web.ui.render import HERE as UI_DIR
from minidesk.web.ui.signed_in import BadCsrf, SignInRequired, sign_in_url

log = logging.getLogger(__name__)

# Concurrent accepts on PostgreSQL, where each waits mostly on its commit's round trip.
INTAKE_THREADS = 4
# Routers matched before the others: FastAPI tries every route of every router in turn
# (some 2 µs each), and the inbound API, the busiest route, would come after some 85 of them.
FIRST_MATCHED = frozenset({"/api/v1/inbound"})


@functools.cache
def _freeze_once() -> None:
    """gc.freeze() on the first call only. Not ``if not gc.get_freeze_count()``: that count
    walks every frozen object (some 25 ms of CPU with the app loaded), on each app's start."""
    gc.freeze()


def _tags_in_order(routers: list[APIRouter]) -> list[str]:
    tags: dict[str, None] = {}
    for router in routers:
        for route in router.routes:
            if isinstance(route, APIRoute) and route.include_in_schema:
                tags.update((str(tag), None) for tag in route.tags)
    return list(tags)


def create_app(settings: Settings | None = None, *, embedded_workers: int | None = None) -> FastAPI:
    """Build the app. ``embedded_workers`` job threads run inside the web process (default:
    the ``MINIDESK_WORKERS`` setting; 0 when separate ``minidesk worker`` processes run)."""
    settings = settings or get_settings()
    workers = settings.workers if embedded_workers is None else embedded_workers
    # SQLite has one writer at a time, so more intake threads would only queue on its lock.
    intake = Intake(threads=1 if settings.is_sqlite else INTAKE_THREADS)
    awaiting = Awaiting()
    tokens.forget_all()  # a new app may sit on another database
    hub = Hub(publisher.install(settings))
    # A role, team, deactivation or revocation made by another process counts here at once.
    hub.access_listeners.append(lambda _users: tokens.forget_all())

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        consumer = jobs.start_embedded(workers) if workers else None
        # Every web process triages what it accepts (``intake.together``), and one with
        # embedded workers runs the pipeline too: the intent model is loaded before the freeze.
        from minidesk.triage import warm_up

        warm_up()
        if settings.kb_meaning:
            # Readers' searches and the widgets' suggestions embed what was typed: the
            # encoder's weights load now, not in the first visitor's request.
            from minidesk.kb import embeddings

            embeddings.warm_up()
        allocator.trim()  # the heap pages that loading the models freed
        # Everything loaded so far (models, mappers, the intent model) lives as long as the
        # process: keep it out of the collector's full passes, which otherwise stall every
        # request for tens of milliseconds now and then. Once per process: an app built
        # again (tests) must not pin each earlier app's garbage for good.
        _freeze_once()
        await hub.start()
        try:
            yield
        finally:
            await hub.stop()
            intake.stop()
            awaiting.stop()
            if consumer is not None:
                consumer.stop(graceful=True)

    app = FastAPI(
        title="minidesk",
        version=__version__,
        lifespan=lifespan,
        description="Self-hosted customer-support desk. Authenticate with "
        "`Authorization: Bearer <token>` (`minidesk token create EMAIL`), or sign in with "
        "email and password through the Authorize button.",
        # Served by minidesk.web.docs from local assets instead of a CDN.
        docs_url=None,
        redoc_url=None,
        dependencies=[Depends(strict_query.refuse_unknown)],
    )
    app.state.intake = intake
    app.state.awaiting = awaiting
    app.state.hub = hub
    problems.install(app)
    routers = features.routers()
    # The docs keep the manifests' order: tag groups are listed as they first appear there.
    app.openapi_tags = [{"name": tag} for tag in _tags_in_order(routers)]
    for router in sorted(routers, key=lambda router: router.prefix not in FIRST_MATCHED):
        app.include_router(router)
    docs.install(app)
    app.mount("/static/ui", StaticFiles(directory=UI_DIR / "static"), name="ui-assets")

    @app.exception_handler(SignInRequired)
    def sign_in_first(request: Request, exc: SignInRequired) -> RedirectResponse:
        return RedirectResponse(sign_in_url(exc.next_path), status_code=303)

    @app.exception_handler(BadCsrf)
    def bad_csrf(request: Request, exc: BadCsrf) -> PlainTextResponse:
        return PlainTextResponse(
            "This form is from an old or another page; reload the page and try again.", 403
        )

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
