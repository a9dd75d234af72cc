"""Saved views from the inbox page: save the current filters as a view, change a view's
filters in place, rename, delete."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from minidesk.db import commit, get_db
from minidesk.desk import access
from minidesk.desk.users import actor_of
from minidesk.saved_views import service
from minidesk.web.schemas import RowIdPath
from minidesk.web.ui.render import page, redirect
from minidesk.web.ui.signed_in import Browser, BrowserDep

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form(max_length=100)]
Values = Annotated[list[str] | None, Form(max_length=10)]


@router.post("/inbox/views")
def create_view(
    browser: BrowserDep,
    csrf: Text = "",
    name: Annotated[str, Form(max_length=200)] = "",
    share: Text = "",
    status: Values = None,
    priority: Values = None,
    channel: Text = "",
    intent: Text = "",
    tag: Text = "",
    team: Text = "",
    assignee: Text = "",
) -> Response:
    """``share`` is empty (personal), ``everyone`` or a team id."""
    browser.check(csrf)
    filters = _filters(status, priority, channel, intent, tag, team, assignee)
    if share not in ("", "everyone") and not share.isdigit():
        return redirect("/inbox", f"Not saved: share with {share!r}: no such team")
    new = service.NewView(
        name=name,
        filters=filters,
        shared=share != "",
        team_id=int(share) if share.isdigit() else None,
    )
    with get_db().write_sessions() as session:
        user = session.merge(browser.user, load=False)
        try:
            view = service.do_create_view(session, user, new, actor_of(user))
        except (service.ViewError, service.TooMany, access.Forbidden) as exc:
            return redirect("/inbox", f"Not saved: {exc}")
        commit(session)
        return redirect(f"/inbox?saved={view.id}", f"Saved the view {view.name!r}.")


@router.post("/inbox/views/{view_id}")
def rename_view(
    request: Request,
    view_id: RowIdPath,
    browser: BrowserDep,
    csrf: Text = "",
    name: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    browser.check(csrf)
    return _change(request, browser, view_id, ("Not renamed", "Renamed."), name=name)


@router.post("/inbox/views/{view_id}/filters")
def refilter_view(
    request: Request,
    view_id: RowIdPath,
    browser: BrowserDep,
    csrf: Text = "",
    status: Values = None,
    priority: Values = None,
    channel: Text = "",
    intent: Text = "",
    tag: Text = "",
    team: Text = "",
    assignee: Text = "",
) -> Response:
    """The filter form's "Save to this view": the same rules as ``PATCH /api/v1/views/{id}``
    (its owner, or for a shared view a lead or manager who may share with its team)."""
    browser.check(csrf)
    filters = _filters(status, priority, channel, intent, tag, team, assignee)
    words = ("Filters not saved", "Saved the filters to this view.")
    return _change(request, browser, view_id, words, filters=filters)


def _change(
    request: Request, browser: Browser, view_id: int, words: tuple[str, str], **changes: Any
) -> Response:
    """Change a saved view as ``PATCH /api/v1/views/{id}`` would, and go back to it saying
    what happened (``words``: the refusal's prefix, the success message)."""
    with get_db().write_sessions() as session:
        user = session.merge(browser.user, load=False)
        try:
            view = service.access_view(session, user, view_id)
            service.do_change_view(session, user, view, actor_of(user), **changes)
        except access.NotFound:
            return _not_found(request, browser)
        except (service.ViewError, access.Forbidden) as exc:
            return redirect(f"/inbox?saved={view_id}", f"{words[0]}: {exc}")
        commit(session)
    return redirect(f"/inbox?saved={view_id}", words[1])


@router.post("/inbox/views/{view_id}/delete")
def delete_view(
    request: Request, view_id: RowIdPath, browser: BrowserDep, csrf: Text = ""
) -> Response:
    browser.check(csrf)
    with get_db().write_sessions() as session:
        user = session.merge(browser.user, load=False)
        try:
            view = service.access_view(session, user, view_id)
            name = view.name
            service.do_delete_view(session, user, view, actor_of(user))
        except access.NotFound:
            return _not_found(request, browser)
        except access.Forbidden as exc:
            return redirect(f"/inbox?saved={view_id}", f"Not deleted: {exc}")
        commit(session)
    return redirect("/inbox", f"Deleted the view {name!r}.")


def _not_found(request: Request, browser: Browser) -> Response:
    return page(request, "not_found.html", {"browser": browser, "what": "That view"}, 404)


def _filters(
    status: list[str] | None,
    priority: list[str] | None,
    channel: str,
    intent: str,
    tag: str,
    team: str,
    assignee: str,
) -> dict[str, Any]:
    """A filter form as the API's ``filters`` object; fields left at "any" are empty."""
    return {"status": status or [], "priority": priority or [], "channel": channel,
            "intent": intent, "tag": tag, "team": team, "assignee": assignee}  # fmt: skip
