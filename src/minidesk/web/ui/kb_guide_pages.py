"""Writing troubleshooting guides in the workspace (leads and up): the list with each guide's
outcomes, and one form whose tree is JSON or YAML in a text area. A tree that fails a check
comes back with every problem listed by node, and the saved tree is shown as a node list."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from minidesk.db import commit, get_db, utcnow
from minidesk.desk.access import Permission
from minidesk.desk.users import actor_of
from minidesk.kb.articles import ArticleError
from minidesk.kb.guide_models import KbGuide
from minidesk.kb.guide_runs import guide_figures
from minidesk.kb.guide_tree import GuideTreeError, Problem, Tree, check_tree, parse_text
from minidesk.kb.guides import do_create_guide, do_update_guide
from minidesk.kb.models import ArticleStatus
from minidesk.resolutions.runners import RUNNABLE
from minidesk.web.ui.render import page, redirect
from minidesk.web.ui.signed_in import Browser, BrowserDep, refused

router = APIRouter(include_in_schema=False)
HERE = "/kb/guides"
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FIGURES_DAYS = 30
EXAMPLE = {
    "start": "light",
    "nodes": {
        "light": {"question": "Is the light on the device on?", "options": [
            {"label": "Yes", "next": "person"}, {"label": "No", "next": "plug"}]},
        "plug": {"text": "Plug it in and wait a minute.", "end": {"handoff": "Still off"}},
        "person": {"end": {"handoff": "Light on, still not working"}},
    },
}  # fmt: skip


def _form(
    request: Request, browser: Browser, guide: dict[str, Any], errors: dict[str, str],
    problems: list[Problem], tree: Tree | None, status_code: int = 200,
) -> Response:  # fmt: skip
    return page(request, "kb_guide.html", {
        "browser": browser, "active": "kb", "guide": guide, "errors": errors,
        "problems": problems, "tree": tree, "statuses": list(ArticleStatus), "flows": RUNNABLE,
    }, status_code)  # fmt: skip


@router.get(HERE, response_class=HTMLResponse)
def guide_list(request: Request, browser: BrowserDep) -> Response:
    if (no := refused(request, browser, Permission.MANAGE_KB)) is not None:
        return no
    with get_db().sessions() as session:
        guides = list(session.scalars(select(KbGuide).order_by(KbGuide.title)))
        since = utcnow() - dt.timedelta(days=FIGURES_DAYS)
        figures = {f.guide_id: f for f in guide_figures(session, since)}
    return page(request, "kb_guides.html", {
        "browser": browser, "active": "kb", "guides": guides, "figures": figures,
        "days": FIGURES_DAYS,
    })  # fmt: skip


@router.get(HERE + "/new", response_class=HTMLResponse)
def guide_new(request: Request, browser: BrowserDep) -> Response:
    blank = {"id": None, "title": "", "slug": "", "description": "", "status": "draft",
             "version": 0, "tree": json.dumps(EXAMPLE, indent=2)}  # fmt: skip
    no = refused(request, browser, Permission.MANAGE_KB)
    return no or _form(request, browser, blank, {}, [], None)


@router.get(HERE + "/{guide_id}", response_class=HTMLResponse)
def guide_edit(request: Request, guide_id: int, browser: BrowserDep) -> Response:
    if (no := refused(request, browser, Permission.MANAGE_KB)) is not None:
        return no
    with get_db().sessions() as session:
        row = session.get(KbGuide, guide_id)
        if row is None:
            return redirect(HERE, f"No guide {guide_id}.")
        guide = {
            name: getattr(row, name)
            for name in ("id", "title", "slug", "description", "status", "version")
        }
        guide["tree"] = json.dumps(row.tree, indent=2, ensure_ascii=False)
        tree = check_tree(row.tree)
    return _form(request, browser, guide, {}, [], tree)


@router.post(HERE + "/save")
def guide_save(
    request: Request,
    browser: BrowserDep,
    csrf: Annotated[str, Form()],
    title: Annotated[str, Form(max_length=300)],
    slug: Annotated[str, Form(max_length=120)],
    tree: Annotated[str, Form(max_length=200_000)],
    description: Annotated[str, Form(max_length=2000)] = "",
    status: Annotated[ArticleStatus, Form()] = ArticleStatus.DRAFT,
    guide_id: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    browser.check(csrf)
    if (no := refused(request, browser, Permission.MANAGE_KB)) is not None:
        return no
    values: dict[str, Any] = {"title": title.strip(), "slug": slug.strip(),
                              "description": description.strip(), "status": status}  # fmt: skip
    shown = {**values, "id": int(guide_id) if guide_id.isdigit() else None, "tree": tree,
             "version": 0}  # fmt: skip
    errors = {}
    if not values["title"]:
        errors["title"] = "A guide needs a title."
    if not SLUG.match(values["slug"]):
        errors["slug"] = "Lower-case letters, digits and single hyphens only."
    problems: list[Problem] = []
    try:
        values["tree"] = parse_text(tree)
    except GuideTreeError as exc:
        problems = exc.problems
    if errors or problems:
        return _form(request, browser, shown, errors, problems, None, 422)
    with get_db().write_sessions() as session:
        actor = actor_of(browser.user)
        try:
            if shown["id"] is None:
                guide = do_create_guide(session, values, RUNNABLE, actor)
            else:
                guide = session.get_one(KbGuide, shown["id"])
                do_update_guide(session, guide, values, RUNNABLE, actor)
        except GuideTreeError as exc:
            return _form(request, browser, shown, {}, exc.problems, None, 422)
        except ArticleError as exc:
            return _form(request, browser, shown, {exc.field: exc.message}, [], None, exc.status)
        commit(session)
        saved, version = guide.id, guide.version
    return redirect(f"{HERE}/{saved}", f"Saved: version {version}.")
