"""The help widget: page rules (leads and up write them, agents read them), the sites allowed
to embed it, and its public endpoints (an article to show inline, what a visitor did), which
only pages of allowed sites may call (``kb_widget_gate``)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from minidesk.db import commit
from minidesk.desk.access import Permission
from minidesk.desk.models import User
from minidesk.desk.users import actor_of
from minidesk.kb import page_rules, widget
from minidesk.kb.articles import ArticleError
from minidesk.kb.markdown import render
from minidesk.kb.reading import access_article, help_path
from minidesk.kb.widget_models import KbPageRule, WidgetAction
from minidesk.web.api import PREFIX
from minidesk.web.api.kb import invalid
from minidesk.web.api.kb_widget_gate import check_widget_origin, preflight
from minidesk.web.deps import SessionDep, UserDep, WriteSessionDep, requires
from minidesk.web.pagination import Page
from minidesk.web.problems import Problem
from minidesk.web.public_limit import TOO_MANY, PublicWrite
from minidesk.web.schemas import MAX_ROW_ID, RowIdPath, Strict

router = APIRouter(prefix=f"{PREFIX}/kb", tags=["knowledge base"])
WriterDep = Annotated[User, requires(Permission.MANAGE_KB)]
TargetId = Annotated[int | None, Field(ge=1, le=MAX_ROW_ID)]
STATIC = Path(__file__).parents[2] / "kb" / "static"
# Shops embed the script on every page: let browsers keep it a while, and revalidate.
SCRIPT_CACHE = "public, max-age=300"


class PageRuleIn(Strict):
    pattern: str = Field(max_length=page_rules.MAX_PATTERN)
    article_id: TargetId = None
    category_id: TargetId = None
    position: int = Field(0, ge=0, le=10_000)


class PageRulePatch(Strict):
    pattern: str | None = Field(None, max_length=page_rules.MAX_PATTERN)
    article_id: TargetId = None
    category_id: TargetId = None
    position: int | None = Field(None, ge=0, le=10_000)


class PageRuleOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    pattern: str
    article_id: int | None
    category_id: int | None
    position: int


class WidgetIn(Strict):
    allowed_origins: list[Annotated[str, Field(max_length=300)]] = Field(
        max_length=widget.MAX_ORIGINS
    )


class WidgetOut(BaseModel):
    allowed_origins: list[str]


class WidgetArticleOut(BaseModel):
    id: int
    slug: str
    locale: str
    title: str
    html: str
    help_url: str | None


class WidgetEventIn(Strict):
    visit: str = Field(max_length=40)
    action: WidgetAction
    article_id: TargetId = None


def _rule(session: SessionDep | WriteSessionDep, rule_id: int) -> KbPageRule:
    rule = session.get(KbPageRule, rule_id)
    if rule is None:
        raise Problem(404, f"no page rule {rule_id}")
    return rule


@router.get("/page-rules", response_model=Page[PageRuleOut])
def list_page_rules(session: SessionDep, user: UserDep) -> Page[PageRuleOut]:
    """Every page rule, in the order the widget applies them (position, then age)."""
    rows = session.scalars(select(KbPageRule).order_by(KbPageRule.position, KbPageRule.id))
    return Page[PageRuleOut](items=[PageRuleOut.model_validate(r) for r in rows], next_cursor=None)


@router.post("/page-rules", status_code=201, response_model=PageRuleOut)
def create_page_rule(body: PageRuleIn, session: WriteSessionDep, user: WriterDep) -> KbPageRule:
    """Suggest an article, or a category's articles, on pages matching ``pattern``
    (`/checkout*` for paths, `https://shop.example/*` for whole URLs)."""
    try:
        rule = page_rules.do_create_rule(session, body.model_dump(), actor_of(user))
    except ArticleError as exc:
        raise invalid(exc) from exc
    commit(session)
    return rule


@router.get("/page-rules/{page_rule_id}", response_model=PageRuleOut)
def get_page_rule(page_rule_id: RowIdPath, session: SessionDep, user: UserDep) -> KbPageRule:
    return _rule(session, page_rule_id)


@router.patch("/page-rules/{page_rule_id}", response_model=PageRuleOut)
def update_page_rule(
    page_rule_id: RowIdPath, body: PageRulePatch, session: WriteSessionDep, user: WriterDep
) -> KbPageRule:
    rule = _rule(session, page_rule_id)
    changes = body.model_dump(include=body.model_fields_set)
    for name in ("pattern", "position"):
        if name in changes and changes[name] is None:
            raise Problem(422, f"{name} may not be null", slug="invalid-article",
                          errors=[{"field": name, "message": "may not be null"}])  # fmt: skip
    try:
        page_rules.do_update_rule(session, rule, changes, actor_of(user))
    except ArticleError as exc:
        raise invalid(exc) from exc
    commit(session)
    return rule


@router.delete("/page-rules/{page_rule_id}", status_code=204)
def delete_page_rule(
    page_rule_id: RowIdPath, session: WriteSessionDep, user: WriterDep
) -> Response:
    page_rules.do_delete_rule(session, _rule(session, page_rule_id), actor_of(user))
    commit(session)
    return Response(status_code=204)


@router.get("/widget", response_model=WidgetOut)
def get_widget(session: SessionDep, user: UserDep) -> WidgetOut:
    return WidgetOut(allowed_origins=widget.allowed_origins(session))


@router.put("/widget", response_model=WidgetOut)
def put_widget(body: WidgetIn, session: WriteSessionDep, user: WriterDep) -> WidgetOut:
    """The sites (``https://shop.example``) whose pages may use the help widget; sites a chat
    widget allows may use it too."""
    try:
        origins = widget.do_set_origins(session, body.allowed_origins, actor_of(user))
    except ArticleError as exc:
        raise invalid(exc) from exc
    commit(session)
    return WidgetOut(allowed_origins=origins)


@router.get("/widget/articles/{article_id}", response_model=WidgetArticleOut)
def widget_article(
    article_id: RowIdPath, request: Request, response: Response, session: SessionDep
) -> WidgetArticleOut:
    """A public, published article as the widget shows it inline (no token; 404 for any
    other article, as for one that does not exist)."""
    check_widget_origin(request, session, response)
    article = access_article(session, article_id, staff=False)
    return WidgetArticleOut(id=article.id, slug=article.slug, locale=article.locale,
                            title=article.title, html=render(article.body),
                            help_url=help_path(article))  # fmt: skip


@router.post("/widget/events", status_code=204, responses=TOO_MANY)
def widget_event(
    _limit: PublicWrite,
    body: WidgetEventIn,
    request: Request,
    response: Response,
    session: WriteSessionDep,
) -> Response:
    """What a visitor did: read an article (``opened``), said it answered their question
    (``answered``), or went on to ask a person (``contacted``, no article). A public write:
    limited per client address (`MINIDESK_PUBLIC_WRITES_*`)."""
    check_widget_origin(request, session, response)
    article = (
        access_article(session, body.article_id, staff=False)
        if body.article_id is not None
        else None
    )
    try:
        widget.do_record_action(session, body.visit, body.action, article)
    except ArticleError as exc:
        raise invalid(exc) from exc
    commit(session)
    response.status_code = 204
    return response


@router.options("/widget/events", status_code=204, include_in_schema=False)
def widget_event_preflight(request: Request, session: SessionDep) -> Response:
    return preflight(request, session)


script_router = APIRouter(tags=["knowledge base"])


@cache
def _static(name: str) -> bytes:
    return (STATIC / name).read_bytes()


def _asset(name: str, media_type: str) -> Response:
    return Response(
        _static(name),
        media_type=media_type,
        headers={"Cache-Control": SCRIPT_CACHE, "X-Content-Type-Options": "nosniff"},
    )


@script_router.get("/help-widget.js", response_class=Response)
def help_widget_js() -> Response:
    """The embeddable help widget: `<script src="https://desk.example/help-widget.js" async>
    </script>` on a page of an allowed site (docs/knowledge-base.md, "Help widget")."""
    return _asset("help-widget.js", "text/javascript; charset=utf-8")


@script_router.get("/help-widget.css", response_class=Response)
def help_widget_css() -> Response:
    """The widget's look, a stylesheet the script links, so a shop's CSP needs no
    'unsafe-inline' for styles."""
    return _asset("help-widget.css", "text/css; charset=utf-8")
