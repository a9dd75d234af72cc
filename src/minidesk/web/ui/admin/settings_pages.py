"""Workspace settings (admins): name, time zone, languages, team restriction, reopen window;
checked and saved by ``desk.workspace`` as the API's PATCH is, errors shown per field."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from minidesk.db import commit, get_db
from minidesk.desk.access import Permission
from minidesk.desk.users import actor_of
from minidesk.desk.workspace import WorkspaceError, do_update_workspace, get_workspace
from minidesk.web.ui.admin.gate import admin_page
from minidesk.web.ui.forms import tags
from minidesk.web.ui.render import redirect
from minidesk.web.ui.signed_in import Browser, BrowserDep, refused

router = APIRouter(include_in_schema=False)
NEEDS = Permission.MANAGE_USERS
HERE = "/admin/settings"


def _show(
    request: Request, browser: Browser, form: dict[str, Any], errors: dict[str, str],
    status_code: int = 200,
) -> Response:  # fmt: skip
    context = {"form": form, "errors": errors}
    return admin_page(request, browser, "settings", "settings.html", context, status_code)


@router.get(HERE, response_class=HTMLResponse)
def settings_page(request: Request, browser: BrowserDep) -> Response:
    if (no := refused(request, browser, NEEDS)) is not None:
        return no
    with get_db().sessions() as session:
        workspace = get_workspace(session)
        form = {
            "name": workspace.name,
            "timezone": workspace.timezone,
            "languages": " ".join(workspace.languages),
            "restrict_agents_to_teams": workspace.restrict_agents_to_teams,
            "reopen_window_days": str(workspace.reopen_window_days),
        }
    return _show(request, browser, form, {})


@router.post(HERE)
def save_settings(
    request: Request,
    browser: BrowserDep,
    name: Annotated[str, Form(max_length=200)] = "",
    timezone: Annotated[str, Form(max_length=64)] = "",
    languages: Annotated[str, Form(max_length=200)] = "",
    restrict_agents_to_teams: Annotated[str, Form(max_length=5)] = "",
    reopen_window_days: Annotated[str, Form(max_length=10)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    browser.check(csrf)
    if (no := refused(request, browser, NEEDS)) is not None:
        return no
    form: dict[str, Any] = {
        "name": name, "timezone": timezone, "languages": languages,
        "restrict_agents_to_teams": bool(restrict_agents_to_teams),
        "reopen_window_days": reopen_window_days,
    }  # fmt: skip
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "the workspace needs a name"
    codes = tags(languages)
    if not codes or any(len(code) > 8 or not code.replace("-", "").isalpha() for code in codes):
        errors["languages"] = "language codes such as en de fr, separated by spaces"
    if not reopen_window_days.strip().isdigit():
        errors["reopen_window_days"] = "a whole number of days, 0 to 365"
    if errors:
        return _show(request, browser, form, errors, 422)
    values = {**form, "name": name.strip(), "timezone": timezone.strip(), "languages": codes,
              "reopen_window_days": int(reopen_window_days)}  # fmt: skip
    with get_db().write_sessions() as session:
        try:
            do_update_workspace(session, values, actor_of(browser.user))
        except WorkspaceError as exc:
            field = "timezone" if "timezone" in str(exc) else "reopen_window_days"
            return _show(request, browser, form, {field: str(exc)}, 422)
        commit(session)
    return redirect(HERE, "Workspace settings saved.")
