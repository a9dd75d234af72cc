"""Troubleshooting guides in the public help centre: the list, a guide's start page, and its
runner. Every step is a plain form that posts and redirects (no JavaScript needed): an option
moves the run on, Back steps back, Start again begins a new run. A run lives in the URL by
an unguessable token, so readers cannot steer each other's runs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select

from minidesk.db import commit
from minidesk.kb.guide_models import KbGuide, RunSource
from minidesk.kb.guide_runs import current, do_back, do_choose, do_start_run, run_by_token
from minidesk.kb.guide_tree import EndKind, Node
from minidesk.kb.guides import published_guide
from minidesk.kb.models import ArticleStatus, KbArticle, Visibility
from minidesk.kb.reading import DEFAULT_LOCALE, help_path
from minidesk.web.deps import SessionDep, WriteSessionDep
from minidesk.web.ui.help_pages import _page

router = APIRouter(prefix="/help/guides", include_in_schema=False)
HERE = "/help/guides"


def _missing(request: Request, session: SessionDep | WriteSessionDep) -> HTMLResponse:
    return _page(request, session, "missing.html", {"what": "guide"}, 404)


def _end_article(session: SessionDep | WriteSessionDep, node: Node) -> KbArticle | None:
    if node.end is None or node.end.kind != EndKind.ARTICLE:
        return None
    return session.scalar(
        select(KbArticle)
        .where(
            KbArticle.slug == node.end.target,
            KbArticle.status == ArticleStatus.PUBLISHED,
            KbArticle.visibility == Visibility.PUBLIC,
        )
        .order_by(KbArticle.locale != DEFAULT_LOCALE, KbArticle.id)
        .limit(1)
    )


@router.get("", response_class=HTMLResponse)
def guide_list(request: Request, session: SessionDep) -> Response:
    guides = session.scalars(
        select(KbGuide).where(KbGuide.status == ArticleStatus.PUBLISHED).order_by(KbGuide.title)
    )
    return _page(request, session, "guides.html", {"guides": list(guides)})


@router.get("/{slug}", response_class=HTMLResponse)
def guide_start(request: Request, session: SessionDep, slug: str) -> Response:
    guide = published_guide(session, slug)
    if guide is None:
        return _missing(request, session)
    return _page(request, session, "guide.html", {"guide": guide, "node": None})


@router.post("/{slug}/start")
def start(request: Request, session: WriteSessionDep, slug: str) -> Response:
    guide = published_guide(session, slug)
    if guide is None:
        return _missing(request, session)
    run = do_start_run(session, guide, RunSource.HELP_CENTRE)
    commit(session)
    return RedirectResponse(f"{HERE}/{guide.slug}/runs/{run.token}", status_code=303)


@router.get("/{slug}/runs/{token}", response_class=HTMLResponse)
def step_page(request: Request, session: WriteSessionDep, slug: str, token: str) -> Response:
    guide = published_guide(session, slug)
    run = run_by_token(session, guide, token) if guide is not None else None
    if guide is None or run is None:
        return _missing(request, session)
    node = current(guide, run)
    commit(session)  # ``current`` restarts a run whose node the guide no longer has
    article = _end_article(session, node)
    return _page(request, session, "guide.html", {
        "guide": guide, "node": node, "run": run, "article": article,
        "article_path": help_path(article) if article is not None else None,
        "can_go_back": len(run.path) > 1,
    })  # fmt: skip


@router.post("/{slug}/runs/{token}")
def step(
    request: Request,
    session: WriteSessionDep,
    slug: str,
    token: str,
    choice: Annotated[int | None, Form(ge=1, le=100)] = None,
    back: Annotated[str, Form(max_length=1)] = "",
) -> Response:
    """An answer (``choice``: the option's number) or ``back``."""
    guide = published_guide(session, slug)
    run = run_by_token(session, guide, token) if guide is not None else None
    if guide is None or run is None:
        return _missing(request, session)
    node = current(guide, run)
    if back:
        do_back(run)
    elif choice is not None and node.end is None and choice <= len(node.options):
        do_choose(session, guide, run, node.options[choice - 1])
    else:
        return Response("Choose one of the options.", status_code=422, media_type="text/plain")
    commit(session)
    return RedirectResponse(f"{HERE}/{guide.slug}/runs/{run.token}", status_code=303)
