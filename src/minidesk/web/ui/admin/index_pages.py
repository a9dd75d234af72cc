"""The admin landing page: the areas the signed-in role may open, nothing else."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from minidesk.web.ui.admin.areas import areas_for
from minidesk.web.ui.render import page
from minidesk.web.ui.signed_in import BrowserDep, forbidden

router = APIRouter(include_in_schema=False)


@router.get("/admin", response_class=HTMLResponse)
def admin_index(request: Request, browser: BrowserDep) -> Response:
    if not areas_for(browser.user):
        why = f"{browser.user.email} is {browser.user.role}; administration starts at lead"
        return forbidden(request, browser, why)
    return page(request, "admin/index.html", {"browser": browser, "active": "admin", "area": None})
