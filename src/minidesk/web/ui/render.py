"""Jinja2 for the workspace pages: autoescaped, with the signed-in user and CSRF token at hand."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from minidesk import __version__
from minidesk.web.ui.admin.areas import areas_for

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
templates.env.globals["version"] = __version__
# The nav's Admin link and the admin pages' own menu: only the areas the role may open.
templates.env.globals["admin_areas"] = areas_for

# Pages are per user and change with every ticket: never cached, never framed by another site.
HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    # Our own scripts and styles only: nothing from a CDN, no inline script.
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
}


FLASH_COOKIE = "minidesk_flash"


def page(
    request: Request, name: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    flash = unquote(request.cookies.get(FLASH_COOKIE, ""))[:300]
    response = templates.TemplateResponse(
        request, name, {"flash": flash, **context}, status_code=status_code
    )
    response.headers.update(HEADERS)
    if flash:
        response.delete_cookie(FLASH_COOKIE, path="/")
    return response


def redirect(url: str, flash: str = "") -> RedirectResponse:
    """Back to a page after a form, with what happened shown there once. The message rides in
    a cookie, not the URL, so a link cannot make a page say what its author wants."""
    response = RedirectResponse(url, status_code=303)
    if flash:
        response.set_cookie(
            FLASH_COOKIE,
            quote(flash[:300]),
            max_age=60,
            httponly=True,
            samesite="strict",
            path="/",
        )
    return response
