"""Knowledge-base articles (with versions and rollback), categories, and article search.

Agents read every article; leads and up write them (``MANAGE_KB``). Search answers anyone:
without a token it finds public, published articles only (the help centre and the widget use
it), with one internal articles too.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.security import HTTPAuthorizationCredentials
from sqlalchemy import select

from minidesk.db import commit
from minidesk.desk.access import Permission
from minidesk.desk.models import User
from minidesk.desk.users import actor_of
from minidesk.kb import articles as kb_articles
from minidesk.kb.articles import ArticleError
from minidesk.kb.categories import do_create_category, do_delete_category, do_update_category
from minidesk.kb.markdown import render
from minidesk.kb.models import KbArticle, KbArticleVersion, KbCategory, SearchSource, Visibility
from minidesk.kb.reading import access_article, find, help_path
from minidesk.kb.search import Scope
from minidesk.kb.search_log import log_search
from minidesk.web import cookies
from minidesk.web.api import PREFIX
from minidesk.web.api.kb_schemas import (
    ArticleIn,
    ArticleOut,
    ArticlePatch,
    CategoryIn,
    CategoryOut,
    CategoryPatch,
    Locale,
    RollbackIn,
    SearchHitOut,
    SearchOut,
    TranslationOut,
    VersionOut,
)
from minidesk.web.deps import (
    SessionDep,
    UserDep,
    WriteSessionDep,
    _bearer,
    current_caller,
    current_user,
    requires,
)
from minidesk.web.pagination import MAX_LIMIT, Page, decode_cursor, encode_cursor
from minidesk.web.problems import Problem
from minidesk.web.public_limit import TOO_MANY, check_public_write
from minidesk.web.schemas import RowIdPath

router = APIRouter(prefix=f"{PREFIX}/kb", tags=["knowledge base"])
WriterDep = Annotated[User, requires(Permission.MANAGE_KB)]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]


def invalid(exc: ArticleError) -> Problem:
    slug = "kb-conflict" if exc.status == 409 else "invalid-article"
    if exc.status == 404:
        slug = "not-found"
    return Problem(
        exc.status, str(exc), slug=slug, errors=[{"field": exc.field, "message": exc.message}]
    )


def article_out(session: SessionDep | WriteSessionDep, article: KbArticle) -> ArticleOut:
    out = ArticleOut.model_validate(article)
    out.html = render(article.body)
    out.help_url = help_path(article)
    out.translations = [
        TranslationOut.model_validate(t) for t in kb_articles.translations(session, article)
    ]
    return out


@router.get("/articles", response_model=Page[ArticleOut])
def list_articles(
    session: SessionDep,
    user: UserDep,
    status: str | None = None,
    visibility: str | None = None,
    locale: Locale | None = None,
    category_id: Annotated[int | None, Query(ge=1)] = None,
    tag: str | None = None,
    limit: Limit = 25,
    cursor: str | None = None,
) -> Page[ArticleOut]:
    """Every article, newest first, drafts and internal ones included (agents only)."""
    query = select(KbArticle).order_by(KbArticle.id.desc())
    if (after := decode_cursor(cursor)) > 0:
        query = query.where(KbArticle.id < after)
    for column, value in (
        (KbArticle.status, status),
        (KbArticle.visibility, visibility),
        (KbArticle.locale, locale),
        (KbArticle.category_id, category_id),
    ):
        if value is not None:
            query = query.where(column == value)
    rows = list(session.scalars(query.limit(limit + 1 if tag is None else MAX_LIMIT * 10)))
    if tag is not None:  # JSON lists filter alike on both databases only in Python
        rows = [row for row in rows if tag in row.tags][: limit + 1]
    shown = rows[:limit]
    return Page[ArticleOut](
        items=[article_out(session, row) for row in shown],
        next_cursor=encode_cursor(shown[-1].id) if len(rows) > limit else None,
    )


@router.post("/articles", status_code=201, response_model=ArticleOut)
def create_article(body: ArticleIn, session: WriteSessionDep, user: WriterDep) -> ArticleOut:
    """A new article (version 1); ``translation_of`` makes it another language of one."""
    values = body.model_dump(exclude={"translation_of"}, exclude_none=True)
    try:
        article = kb_articles.do_create_article(
            session, values, actor_of(user), translation_of=body.translation_of
        )
    except ArticleError as exc:
        raise invalid(exc) from exc
    commit(session)
    return article_out(session, article)


@router.get("/articles/{article_id}", response_model=ArticleOut)
def get_article(article_id: RowIdPath, session: SessionDep, user: UserDep) -> ArticleOut:
    return article_out(session, access_article(session, article_id, staff=True))


@router.patch("/articles/{article_id}", response_model=ArticleOut)
def update_article(
    article_id: RowIdPath, body: ArticlePatch, session: WriteSessionDep, user: WriterDep
) -> ArticleOut:
    """Save the fields sent as the next version (``note`` says why, in the history)."""
    article = access_article(session, article_id, staff=True)
    changes = body.model_dump(include=body.model_fields_set - {"note"})
    for name in ("title", "body", "tags", "visibility", "status", "url_rules", "slug"):
        if name in changes and changes[name] is None:
            raise Problem(422, f"{name} may not be null", slug="invalid-article",
                          errors=[{"field": name, "message": "may not be null"}])  # fmt: skip
    try:
        kb_articles.do_update_article(session, article, changes, actor_of(user), note=body.note)
    except ArticleError as exc:
        raise invalid(exc) from exc
    commit(session)
    return article_out(session, article)


@router.delete("/articles/{article_id}", status_code=204)
def delete_article(article_id: RowIdPath, session: WriteSessionDep, user: WriterDep) -> Response:
    kb_articles.do_delete_article(
        session, access_article(session, article_id, staff=True), actor_of(user)
    )
    commit(session)
    return Response(status_code=204)


@router.get("/articles/{article_id}/versions", response_model=Page[VersionOut])
def list_versions(article_id: RowIdPath, session: SessionDep, user: UserDep) -> Page[VersionOut]:
    """Every saved version, newest first."""
    article = access_article(session, article_id, staff=True)
    rows = session.scalars(
        select(KbArticleVersion)
        .where(KbArticleVersion.article_id == article.id)
        .order_by(KbArticleVersion.version.desc())
    )
    return Page[VersionOut](items=[VersionOut.model_validate(r) for r in rows], next_cursor=None)


@router.post("/articles/{article_id}/rollback", response_model=ArticleOut)
def rollback_article(
    article_id: RowIdPath, body: RollbackIn, session: WriteSessionDep, user: WriterDep
) -> ArticleOut:
    """Save ``version``'s content as the newest version (nothing in the history is lost)."""
    article = access_article(session, article_id, staff=True)
    try:
        kb_articles.do_rollback(session, article, body.version, actor_of(user))
    except ArticleError as exc:
        raise invalid(exc) from exc
    commit(session)
    return article_out(session, article)


@router.get("/categories", response_model=Page[CategoryOut])
def list_categories(session: SessionDep, user: UserDep) -> Page[CategoryOut]:
    rows = session.scalars(select(KbCategory).order_by(KbCategory.position, KbCategory.id))
    return Page[CategoryOut](items=[CategoryOut.model_validate(r) for r in rows], next_cursor=None)


def _category(session: SessionDep | WriteSessionDep, category_id: int) -> KbCategory:
    category = session.get(KbCategory, category_id)
    if category is None:
        raise Problem(404, f"no category {category_id}")
    return category


@router.post("/categories", status_code=201, response_model=CategoryOut)
def create_category(body: CategoryIn, session: WriteSessionDep, user: WriterDep) -> KbCategory:
    try:
        category = do_create_category(session, body.model_dump(), actor_of(user))
    except ArticleError as exc:
        raise invalid(exc) from exc
    commit(session)
    return category


@router.patch("/categories/{category_id}", response_model=CategoryOut)
def update_category(
    category_id: RowIdPath, body: CategoryPatch, session: WriteSessionDep, user: WriterDep
) -> KbCategory:
    category = _category(session, category_id)
    changes = body.model_dump(include=body.model_fields_set)
    if any(value is None for value in changes.values()):
        raise Problem(422, "category fields may not be null", slug="invalid-article")
    try:
        do_update_category(session, category, changes, actor_of(user))
    except ArticleError as exc:
        raise invalid(exc) from exc
    commit(session)
    return category


@router.delete("/categories/{category_id}", status_code=204)
def delete_category(category_id: RowIdPath, session: WriteSessionDep, user: WriterDep) -> Response:
    """Delete the category; its articles stay, uncategorised."""
    do_delete_category(session, _category(session, category_id), actor_of(user))
    commit(session)
    return Response(status_code=204)


async def optional_user(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User | None:
    """The caller when they sent a token or a session cookie (a bad one is a 401), else
    None: an anonymous reader of the help centre."""
    if credentials is None and cookies.session_secret(request) is None:
        return None
    return current_user(await current_caller(request, credentials, None))


@router.get("/search", response_model=SearchOut, responses=TOO_MANY)
def search_articles(
    request: Request,
    session: WriteSessionDep,
    user: Annotated[User | None, Depends(optional_user)],
    q: Annotated[str, Query(min_length=1, max_length=500)],
    locale: Locale | None = None,
    category_id: Annotated[int | None, Query(ge=1)] = None,
    tag: Annotated[str | None, Query(min_length=1, max_length=50)] = None,
    visibility: Visibility | None = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> SearchOut:
    """Published articles best matching ``q`` (the search language: words, `"phrases"`,
    `prefix*`, `-exclusions`; the last word is a prefix as you type), narrowed by `locale`,
    `category_id`, `tag` and `visibility`; internal ones only for a signed-in agent. When words
    find fewer than three, articles close in meaning follow (`matched: "meaning"`).
    Every search is logged for analytics (top queries, zero-result queries), so a search
    without a sign-in is a public write, limited per client address
    (`MINIDESK_PUBLIC_WRITES_*`): `429` with `Retry-After`."""
    if user is None:
        check_public_write(request)
    scope = Scope(internal=user is not None, locale=locale, category_id=category_id, tag=tag,
                  visibility=visibility)  # fmt: skip
    _, found = find(session, q, scope, limit, meaning=True)
    source = SearchSource.AGENT if user else SearchSource.API
    log_search(session, q, source, [f.article.id for f in found])
    commit(session)
    items = [
        SearchHitOut(
            id=f.article.id,
            slug=f.article.slug,
            locale=f.article.locale,
            title=f.article.title,
            excerpt=f.excerpt,
            visibility=f.article.visibility,
            category_id=f.article.category_id,
            help_url=help_path(f.article),
            rank=f.rank,
            matched="meaning" if f.by_meaning else "words",
        )
        for f in found
    ]
    return SearchOut(query=q, items=items)
