"""Who may use an admin page: the role's permission, checked on every request against the
user's row as it is now (``signed_in`` reads it fresh), answered with the forbidden page."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response

from minidesk.desk import access
from minidesk.desk.access import Permission
from minidesk.web.ui.admin.areas import BY_KEY
from minidesk.web.ui.render import page
from minidesk.web.ui.signed_in import Browser


def refused(request: Request, browser: Browser, permission: Permission) -> Response | None:
    """The 403 page if ``browser``'s user lacks ``permission``, else None."""
    try:
        access.require(browser.user, permission)
    except access.Forbidden as exc:
        return page(request, "forbidden.html", {"browser": browser, "why": exc.detail}, 403)
    return None


def admin_page(
    request: Request, browser: Browser, area: str, name: str, context: dict[str, Any],
    status_code: int = 200,
) -> Response:  # fmt: skip
    """An admin area's page, with the admin nav marking ``area``."""
    return page(
        request,
        f"admin/{name}",
        {"browser": browser, "active": "admin", "area": BY_KEY[area], **context},
        status_code,
    )
