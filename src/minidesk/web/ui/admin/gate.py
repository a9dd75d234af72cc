"""An admin area's page: the admin nav around it, marking the area. Who may open it is
``signed_in.refused``'s question, asked by each page."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response

from minidesk.web.ui.admin.areas import BY_KEY
from minidesk.web.ui.render import page
from minidesk.web.ui.signed_in import Browser


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
