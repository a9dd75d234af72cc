"""The interactive API docs (Swagger UI, ReDoc) served from this desk, not a CDN.

Self-hosted desks often sit behind firewalls: FastAPI's default pages load their scripts from
jsDelivr and show a blank page there. The assets come from the ``fastapi-offline`` package,
installed with minidesk, so nothing third-party is committed here either.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/static/docs"
# The pages load nothing from elsewhere, even what the bundles would fetch on their own
# (ReDoc's "powered by" logo comes from its CDN): the browser is told so.
POLICY = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
    "style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; "
    "worker-src 'self' blob:; frame-ancestors 'none'"
}
OAUTH2_REDIRECT = "/docs/oauth2-redirect"


def install(app: FastAPI) -> None:
    """Serve ``/docs`` and ``/redoc`` with local assets (create the app with ``docs_url=None``
    and ``redoc_url=None``)."""
    assets = Path(str(files("fastapi_offline") / "static"))
    app.mount(ASSETS, StaticFiles(directory=assets), name="docs-assets")
    router = APIRouter(include_in_schema=False)
    # The endpoints close over these values, never over ``app``: FastAPI keeps every endpoint
    # it has seen in a process-wide cache of 4,096 callables, and an endpoint holding its app
    # would keep each app built in the process (tests build hundreds) alive with it.
    title = app.title
    openapi_url = app.openapi_url or "/openapi.json"
    init_oauth = app.swagger_ui_init_oauth
    swagger_ui_parameters = app.swagger_ui_parameters

    @router.get("/docs", response_class=HTMLResponse)
    def swagger_ui() -> HTMLResponse:
        return _local(
            get_swagger_ui_html(
                openapi_url=openapi_url,
                title=f"{title} — API",
                swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
                swagger_css_url=f"{ASSETS}/swagger-ui.css",
                swagger_favicon_url=f"{ASSETS}/favicon.png",
                oauth2_redirect_url=OAUTH2_REDIRECT,
                init_oauth=init_oauth,
                swagger_ui_parameters=swagger_ui_parameters,
            )
        )

    @router.get(OAUTH2_REDIRECT, response_class=HTMLResponse)
    def swagger_ui_redirect() -> HTMLResponse:
        return _local(get_swagger_ui_oauth2_redirect_html())

    @router.get("/redoc", response_class=HTMLResponse)
    def redoc() -> HTMLResponse:
        return _local(
            get_redoc_html(
                openapi_url=openapi_url,
                title=f"{title} — API reference",
                redoc_js_url=f"{ASSETS}/redoc.standalone.js",
                redoc_favicon_url=f"{ASSETS}/favicon.png",
                with_google_fonts=False,
            )
        )

    app.include_router(router)


def _local(response: HTMLResponse) -> HTMLResponse:
    """FastAPI's page with our headers, and the language screen readers should speak (its
    ``<html>`` names none: axe's ``html-has-lang``)."""
    body = bytes(response.body).decode().replace("<html>", '<html lang="en">', 1)
    return HTMLResponse(body, status_code=response.status_code, headers=POLICY)
