"""The help widget in the workspace (leads and up): the embed snippet, the sites allowed to
embed it, and the page rules (URL pattern → article or category), through the same ``do_*``
functions as ``/api/v1/kb/page-rules`` and ``/api/v1/kb/widget``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from minidesk.db import commit, get_db
from minidesk.desk.access import Permission
from minidesk.desk.users import actor_of
from minidesk.kb import page_rules, widget
from minidesk.kb.articles import ArticleError
from minidesk.kb.models import KbArticle, KbCategory
from minidesk.kb.widget_models import KbPageRule
from minidesk.settings import get_settings
from minidesk.web.ui.render import page, redirect
from minidesk.web.ui.signed_in import Browser, BrowserDep, refused

router = APIRouter(include_in_schema=False)
HERE = "/kb/widget"


def _page(
    request: Request, browser: Browser, errors: dict[str, str], status_code: int = 200,
    typed: dict[str, str] | None = None,
) -> Response:  # fmt: skip
    with get_db().sessions() as session:
        rules = list(
            session.scalars(select(KbPageRule).order_by(KbPageRule.position, KbPageRule.id))
        )
        articles = list(session.scalars(select(KbArticle).order_by(KbArticle.title)))
        categories = list(session.scalars(select(KbCategory).order_by(KbCategory.position)))
        origins = widget.allowed_origins(session)
    return page(request, "kb_widget.html", {
        "browser": browser, "active": "kb", "rules": rules, "errors": errors,
        "titles": {a.id: a for a in articles}, "names": {c.id: c.name for c in categories},
        "articles": articles, "categories": categories, "origins": origins,
        "desk": get_settings().public_url.rstrip("/"), "typed": typed or {},
    }, status_code)  # fmt: skip


@router.get(HERE, response_class=HTMLResponse)
def widget_page(request: Request, browser: BrowserDep) -> Response:
    return refused(request, browser, Permission.MANAGE_KB) or _page(request, browser, {})


@router.post(HERE + "/origins")
def save_origins(
    request: Request,
    browser: BrowserDep,
    csrf: Annotated[str, Form()],
    origins: Annotated[str, Form(max_length=20_000)] = "",
) -> Response:
    browser.check(csrf)
    if (no := refused(request, browser, Permission.MANAGE_KB)) is not None:
        return no
    with get_db().write_sessions() as session:
        try:
            saved = widget.do_set_origins(
                session, [o for o in origins.split() if o], actor_of(browser.user)
            )
        except ArticleError as exc:
            return _page(request, browser, {"origins": exc.message}, 422, {"origins": origins})
        commit(session)
    return redirect(HERE, f"Allowed sites saved ({len(saved)}).")


@router.post(HERE + "/rules")
def add_rule(
    request: Request,
    browser: BrowserDep,
    csrf: Annotated[str, Form()],
    pattern: Annotated[str, Form(max_length=page_rules.MAX_PATTERN)] = "",
    target: Annotated[str, Form(max_length=30)] = "",
    position: Annotated[str, Form(max_length=6)] = "0",
) -> Response:
    """``target`` is "article:ID" or "category:ID" (one select lists both)."""
    browser.check(csrf)
    if (no := refused(request, browser, Permission.MANAGE_KB)) is not None:
        return no
    kind, _, number = target.partition(":")
    typed = {"pattern": pattern, "target": target, "position": position}
    if kind not in ("article", "category") or not number.isdigit():
        return _page(request, browser, {"target": "Choose an article or a category."}, 422, typed)
    if not position.isdigit():
        return _page(request, browser, {"position": "A whole number, 0 or more."}, 422, typed)
    values = {"pattern": pattern, f"{kind}_id": int(number), "position": int(position)}
    with get_db().write_sessions() as session:
        try:
            page_rules.do_create_rule(session, values, actor_of(browser.user))
        except ArticleError as exc:
            field = "target" if exc.field.endswith("_id") else exc.field
            return _page(request, browser, {field: exc.message}, exc.status, typed)
        commit(session)
    return redirect(HERE, "Page rule added.")


@router.post(HERE + "/rules/{page_rule_id}/delete")
def delete_rule(
    request: Request, page_rule_id: int, browser: BrowserDep, csrf: Annotated[str, Form()]
) -> Response:
    browser.check(csrf)
    if (no := refused(request, browser, Permission.MANAGE_KB)) is not None:
        return no
    with get_db().write_sessions() as session:
        rule = session.get(KbPageRule, page_rule_id)
        if rule is None:
            return redirect(HERE, f"No page rule {page_rule_id}.")
        page_rules.do_delete_rule(session, rule, actor_of(browser.user))
        commit(session)
    return redirect(HERE, "Page rule deleted.")
