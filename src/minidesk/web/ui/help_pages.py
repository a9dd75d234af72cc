"""The public help centre: no sign-in, server-rendered, themed with the shop's name and
colours. Home (search and categories), search results, a category, an article with its
related articles, translations and "was this helpful?"."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import func, select

from minidesk.db import commit
from minidesk.kb.articles import translations
from minidesk.kb.feedback import do_record_feedback
from minidesk.kb.guide_models import KbGuide
from minidesk.kb.markdown import render
from minidesk.kb.models import ArticleStatus, KbArticle, KbCategory, SearchSource, Visibility
from minidesk.kb.reading import (
    DEFAULT_LOCALE,
    Found,
    find,
    help_path,
    is_public,
    public_article,
)
from minidesk.kb.search import Scope
from minidesk.kb.search_log import log_search
from minidesk.kb.theme import theme_of
from minidesk.web.deps import SessionDep, WriteSessionDep
from minidesk.web.public_limit import TOO_MANY, PublicWrite, check_public_write
from minidesk.web.ui.render import templates

router = APIRouter(prefix="/help", include_in_schema=False)
LocaleQuery = Annotated[str, Query(pattern=r"^[a-z]{2}(?:-[A-Z]{2})?$")]
RELATED = 5
# A public site that embeds allow-listed videos: their players may be framed, nothing else.
HEADERS = {
    "Cache-Control": "no-cache",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' https: data:; "
    "frame-src https://www.youtube-nocookie.com https://player.vimeo.com https://www.loom.com; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
}


def _page(
    request: Request, session: Any, name: str, context: dict[str, Any], status: int = 200
) -> HTMLResponse:
    response = templates.TemplateResponse(
        request, f"help/{name}", {"theme": theme_of(session), **context}, status_code=status
    )
    response.headers.update(HEADERS)
    return response


def _listed(locale: str) -> Any:
    return select(KbArticle).where(
        KbArticle.status == ArticleStatus.PUBLISHED,
        KbArticle.visibility == Visibility.PUBLIC,
        KbArticle.locale == locale,
    )


@router.get("", response_class=HTMLResponse)
def home(request: Request, session: SessionDep, locale: LocaleQuery = DEFAULT_LOCALE) -> Response:
    categories = list(
        session.scalars(select(KbCategory).order_by(KbCategory.position, KbCategory.id))
    )
    articles = list(session.scalars(_listed(locale).order_by(KbArticle.title)))
    shelves = [(c, [a for a in articles if a.category_id == c.id]) for c in categories]
    loose = [a for a in articles if a.category_id not in {c.id for c in categories}]
    guides = session.scalar(
        select(func.count()).select_from(KbGuide).where(KbGuide.status == ArticleStatus.PUBLISHED)
    )
    return _page(request, session, "home.html", {
        "shelves": [(c, items) for c, items in shelves if items], "loose": loose,
        "locale": locale, "help_path": help_path, "guides": guides,
    })  # fmt: skip


@router.get("/theme.css")
def theme_css(session: SessionDep) -> Response:
    theme = theme_of(session)
    css = (
        f":root {{ --primary: {theme.primary}; --primary-ink: {theme.primary_ink}; "
        f"--accent: {theme.accent}; --link: {theme.link}; }}\n"
    )
    return Response(css, media_type="text/css", headers={"Cache-Control": "no-cache"})


@router.get("/search", response_class=HTMLResponse, responses=TOO_MANY)
def search_page(
    request: Request,
    session: WriteSessionDep,
    q: Annotated[str, Query(max_length=500)] = "",
    locale: LocaleQuery = DEFAULT_LOCALE,
) -> Response:
    found: list[Found] = []
    if q.strip():
        check_public_write(request)  # the search is logged: a write
        # Words first; when they find few, articles near in meaning (a paraphrase, a question
        # in another language than its answer's words).
        _, found = find(session, q, Scope(locale=locale), limit=20, meaning=True)
        log_search(session, q, SearchSource.HELP_CENTRE, [f.article.id for f in found])
        commit(session)
    return _page(request, session, "search.html", {
        "q": q, "found": found, "locale": locale, "help_path": help_path,
    })  # fmt: skip


@router.get("/categories/{slug}", response_class=HTMLResponse)
def category_page(
    request: Request, session: SessionDep, slug: str, locale: LocaleQuery = DEFAULT_LOCALE
) -> Response:
    category = session.scalar(select(KbCategory).where(KbCategory.slug == slug))
    if category is None:
        return _page(request, session, "missing.html", {"what": "category"}, 404)
    articles = session.scalars(
        _listed(locale).where(KbArticle.category_id == category.id).order_by(KbArticle.title)
    )
    return _page(request, session, "category.html", {
        "category": category, "articles": list(articles), "locale": locale, "help_path": help_path,
    })  # fmt: skip


def related(session: Any, article: KbArticle) -> list[KbArticle]:
    """Others of its category first, then what a search for its title finds."""
    siblings: list[KbArticle] = []
    if article.category_id is not None:
        siblings = list(
            session.scalars(
                _listed(article.locale)
                .where(KbArticle.category_id == article.category_id, KbArticle.id != article.id)
                .order_by(KbArticle.title)
                .limit(RELATED)
            )
        )
    if len(siblings) < RELATED:
        _, found = find(session, article.title, Scope(locale=article.locale), RELATED + 1)
        seen = {a.id for a in siblings} | {article.id}
        siblings += [f.article for f in found if f.article.id not in seen]
    return siblings[:RELATED]


@router.get("/articles/{slug}", response_class=HTMLResponse)
def article_page(
    request: Request,
    session: SessionDep,
    slug: str,
    locale: LocaleQuery = DEFAULT_LOCALE,
    thanks: bool = False,
) -> Response:
    article = public_article(session, slug, locale)
    if article is None:
        return _page(request, session, "missing.html", {"what": "article"}, 404)
    category = session.get(KbCategory, article.category_id) if article.category_id else None
    languages = [t for t in translations(session, article) if is_public(t)]
    return _page(request, session, "article.html", {
        "article": article, "html": render(article.body), "category": category,
        "related": related(session, article), "languages": languages, "locale": locale,
        "help_path": help_path, "thanks": thanks,
    })  # fmt: skip


@router.post("/articles/{slug}/feedback", responses=TOO_MANY)
def feedback(
    _limit: PublicWrite,
    session: WriteSessionDep,
    slug: str,
    helpful: Annotated[str, Form(pattern=r"^(yes|no)$")],
    comment: Annotated[str, Form(max_length=2000)] = "",
    locale: Annotated[str, Form(pattern=r"^[a-z]{2}(?:-[A-Z]{2})?$")] = DEFAULT_LOCALE,
) -> Response:
    """A reader's answer to "was this helpful?"; back to the article, thanked."""
    article = public_article(session, slug, locale)
    if article is None:
        return Response("No such article.", status_code=404, media_type="text/plain")
    do_record_feedback(session, article, helpful == "yes", comment)
    commit(session)
    path = help_path(article) or "/help"
    joiner = "&" if "?" in path else "?"
    return RedirectResponse(f"{path}{joiner}thanks=1#feedback", status_code=303)
