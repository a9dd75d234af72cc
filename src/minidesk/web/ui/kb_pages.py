"""Writing articles in the workspace (leads and up): the list, and one form to write or edit
an article; each save is a new version through ``kb.articles``, as the API does."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from minidesk.db import commit, get_db
from minidesk.desk.access import Permission
from minidesk.desk.users import actor_of
from minidesk.kb.articles import ArticleError, do_create_article, do_update_article
from minidesk.kb.files import MAX_BYTES, attachments_of, public_path
from minidesk.kb.models import ArticleStatus, KbArticle, KbCategory, Visibility
from minidesk.kb.reading import help_path
from minidesk.web.ui.render import page, redirect
from minidesk.web.ui.signed_in import Browser, BrowserDep, refused

router = APIRouter(include_in_schema=False)
HERE = "/kb"
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _form(
    request: Request, browser: Browser, article: dict[str, Any], errors: dict[str, str],
    status_code: int = 200,
) -> Response:  # fmt: skip
    with get_db().sessions() as session:
        categories = list(session.scalars(select(KbCategory).order_by(KbCategory.position)))
        row = session.get(KbArticle, article["id"]) if article["id"] else None
        attached = attachments_of(session, row) if row is not None else []
    return page(request, "kb_article.html", {
        "browser": browser, "active": "kb", "article": article, "errors": errors,
        "categories": categories, "visibilities": list(Visibility),
        "statuses": list(ArticleStatus), "files": attached, "public_path": public_path,
        "max_bytes": MAX_BYTES,
    }, status_code)  # fmt: skip


@router.get(HERE, response_class=HTMLResponse)
def kb_list(request: Request, browser: BrowserDep) -> Response:
    if (no := refused(request, browser, Permission.MANAGE_KB)) is not None:
        return no
    with get_db().sessions() as session:
        articles = list(session.scalars(select(KbArticle).order_by(KbArticle.title)))
        names = {c.id: c.name for c in session.scalars(select(KbCategory))}
    return page(request, "kb_list.html", {
        "browser": browser, "active": "kb", "articles": articles, "names": names,
        "help_path": help_path,
    })  # fmt: skip


@router.get(HERE + "/new", response_class=HTMLResponse)
def kb_new(request: Request, browser: BrowserDep) -> Response:
    blank = {"id": None, "title": "", "body": "", "slug": "", "category_id": None,
             "tags": "", "visibility": "public", "status": "draft", "version": 0}  # fmt: skip
    return refused(request, browser, Permission.MANAGE_KB) or _form(request, browser, blank, {})


@router.get(HERE + "/{article_id}", response_class=HTMLResponse)
def kb_edit(request: Request, article_id: int, browser: BrowserDep) -> Response:
    if (no := refused(request, browser, Permission.MANAGE_KB)) is not None:
        return no
    with get_db().sessions() as session:
        row = session.get(KbArticle, article_id)
        if row is None:
            return redirect(HERE, f"No article {article_id}.")
        article = {
            name: getattr(row, name)
            for name in (
                "id",
                "title",
                "body",
                "slug",
                "category_id",
                "visibility",
                "status",
                "version",
            )
        }
        article["tags"] = ", ".join(row.tags)  # fmt: skip
    return _form(request, browser, article, {})


@router.post(HERE + "/save")
def kb_save(
    request: Request,
    browser: BrowserDep,
    csrf: Annotated[str, Form()],
    title: Annotated[str, Form(max_length=300)],
    body: Annotated[str, Form(max_length=200_000)] = "",
    slug: Annotated[str, Form(max_length=120)] = "",
    category_id: Annotated[str, Form(max_length=12)] = "",
    tags: Annotated[str, Form(max_length=1200)] = "",
    visibility: Annotated[Visibility, Form()] = Visibility.PUBLIC,
    status: Annotated[ArticleStatus, Form()] = ArticleStatus.DRAFT,
    article_id: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    browser.check(csrf)
    if (no := refused(request, browser, Permission.MANAGE_KB)) is not None:
        return no
    values: dict[str, Any] = {
        "title": title.strip(), "body": body, "visibility": visibility, "status": status,
        "category_id": int(category_id) if category_id.isdigit() else None,
        "tags": [t.strip() for t in tags.split(",") if t.strip()][:20],
    }  # fmt: skip
    errors = {}
    if not values["title"]:
        errors["title"] = "An article needs a title."
    if slug.strip() and not SLUG.match(slug.strip()):
        errors["slug"] = "Lower-case letters, digits and single hyphens only."
    shown = {**values, "id": int(article_id) if article_id.isdigit() else None, "slug": slug,
             "tags": tags, "version": 0}  # fmt: skip
    if errors:
        return _form(request, browser, shown, errors, 422)
    with get_db().write_sessions() as session:
        actor = actor_of(browser.user)
        try:
            if shown["id"] is None:
                article = do_create_article(
                    session, {**values, "slug": slug.strip() or None, "locale": "en"}, actor
                )
            else:
                article = session.get_one(KbArticle, shown["id"])
                changes = {**values, **({"slug": slug.strip()} if slug.strip() else {})}
                do_update_article(session, article, changes, actor)
        except ArticleError as exc:
            return _form(request, browser, shown, {exc.field: exc.message}, exc.status)
        commit(session)
        saved, version = article.id, article.version
    return redirect(f"{HERE}/{saved}", f"Saved: version {version}.")
