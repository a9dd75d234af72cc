"""Around the articles: readers' feedback, the help centre's theme, suggestions for an agent's
ticket and for the help widget, and the knowledge base's analytics."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field, StringConstraints

from minidesk.db import commit, utcnow
from minidesk.desk import access
from minidesk.desk.access import Permission
from minidesk.desk.models import User
from minidesk.kb.analytics import analytics
from minidesk.kb.feedback import do_record_feedback, tally
from minidesk.kb.guide_runs import guide_figures
from minidesk.kb.models import SearchSource
from minidesk.kb.reading import access_article, help_path
from minidesk.kb.search_log import log_search
from minidesk.kb.suggest import for_page, for_ticket
from minidesk.kb.theme import do_set_theme, theme_of
from minidesk.kb.widget import VISIT
from minidesk.web.api import PREFIX
from minidesk.web.api.kb_schemas import FeedbackIn, Locale
from minidesk.web.api.kb_widget_gate import check_widget_origin
from minidesk.web.deps import SessionDep, UserDep, WorkspaceDep, WriteSessionDep, requires
from minidesk.web.public_limit import TOO_MANY, PublicWrite
from minidesk.web.schemas import RowIdPath, Strict

router = APIRouter(prefix=PREFIX, tags=["knowledge base"])
WriterDep = Annotated[User, requires(Permission.MANAGE_KB)]
AnalystDep = Annotated[User, requires(Permission.SEE_KB_ANALYTICS)]
Colour = Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")]


class FeedbackOut(BaseModel):
    article_id: int
    helpful: int
    not_helpful: int


@router.post(
    "/kb/articles/{article_id}/feedback",
    status_code=201,
    response_model=FeedbackOut,
    responses=TOO_MANY,
)
def give_feedback(
    _limit: PublicWrite, article_id: RowIdPath, body: FeedbackIn, session: WriteSessionDep
) -> FeedbackOut:
    """A reader's "was this helpful?" on a public article (no token needed). Public writes
    are limited per client address (`MINIDESK_PUBLIC_WRITES_*`): `429` with `Retry-After`."""
    article = access_article(session, article_id, staff=False)
    do_record_feedback(session, article, body.helpful, body.comment)
    commit(session)
    helpful, not_helpful = tally(session, article.id)
    return FeedbackOut(article_id=article.id, helpful=helpful, not_helpful=not_helpful)


class ThemeIn(Strict):
    title: str = Field("", max_length=200)  # "": "<workspace name> Help Centre"
    primary_colour: Colour
    accent_colour: Colour


class ThemeOut(BaseModel):
    title: str
    shop: str
    primary_colour: str
    accent_colour: str
    primary_ink: str


def _theme_out(session: SessionDep | WriteSessionDep) -> ThemeOut:
    theme = theme_of(session)
    return ThemeOut(title=theme.title, shop=theme.shop, primary_colour=theme.primary,
                    accent_colour=theme.accent, primary_ink=theme.primary_ink)  # fmt: skip


@router.get("/kb/theme", response_model=ThemeOut)
def get_theme(session: SessionDep, user: UserDep) -> ThemeOut:
    return _theme_out(session)


@router.put("/kb/theme", response_model=ThemeOut)
def put_theme(body: ThemeIn, session: WriteSessionDep, user: WriterDep) -> ThemeOut:
    """The help centre's title and colours (``#rrggbb``); text colours follow for contrast."""
    do_set_theme(session, body.title.strip(), body.primary_colour, body.accent_colour)
    commit(session)
    return _theme_out(session)


class SuggestionOut(BaseModel):
    id: int
    slug: str
    locale: str
    title: str
    excerpt: str = ""
    visibility: str
    help_url: str | None


class Suggestions(BaseModel):
    items: list[SuggestionOut]


@router.get("/tickets/{number}/suggested-articles", response_model=Suggestions)
def ticket_suggestions(
    number: RowIdPath, session: SessionDep, user: UserDep, workspace: WorkspaceDep
) -> Suggestions:
    """Articles for the ticket's latest customer message, for the agent to read or insert."""
    ticket = access.access_ticket(session, user, number, workspace.restrict_agents_to_teams)
    return Suggestions(items=[
        SuggestionOut(id=f.article.id, slug=f.article.slug, locale=f.article.locale,
                      title=f.article.title, excerpt=f.excerpt, visibility=f.article.visibility,
                      help_url=help_path(f.article))
        for f in for_ticket(session, ticket)
    ])  # fmt: skip


class SuggestSource(StrEnum):
    """Which widget asks, for the search log."""

    WIDGET = SearchSource.WIDGET.value
    CHAT = SearchSource.CHAT.value


@router.get("/kb/suggest", response_model=Suggestions, responses=TOO_MANY)
def widget_suggestions(
    _limit: PublicWrite,
    request: Request,
    response: Response,
    session: WriteSessionDep,
    url: Annotated[str, Query(max_length=2000)] = "",
    q: Annotated[str, Query(max_length=500)] = "",
    locale: Locale | None = None,
    source: SuggestSource = SuggestSource.WIDGET,
    visit: Annotated[str | None, Query(pattern=VISIT.pattern)] = None,
) -> Suggestions:
    """Public articles for a page of the shop's site (its URL rules) and what the visitor
    typed: what the help widget and the chat widget show (no token needed; from a browser,
    only pages of the sites the help widget or a chat widget allows). Limited per client
    address with the public writes (`MINIDESK_PUBLIC_WRITES_*`): a suggestion runs a search
    for anyone, and what was typed is logged for analytics as a search from `source`; with
    the widget's `visit` key, a search typed letter by letter is one search."""
    check_widget_origin(request, session, response)
    suggested = for_page(session, url, q, locale)
    if q.strip():
        log_search(session, q, source.value, suggested.typed_found, visit=visit)
        commit(session)
    return Suggestions(items=[
        SuggestionOut(id=a.id, slug=a.slug, locale=a.locale, title=a.title,
                      visibility=a.visibility, help_url=help_path(a))
        for a in suggested.articles
    ])  # fmt: skip


class QueryOut(BaseModel):
    query: str
    searches: int
    zero_results: int


class GapOut(BaseModel):
    query: str
    searches: int


class ArticleFiguresOut(BaseModel):
    article_id: int
    slug: str
    title: str
    answered: int
    deflected: int
    followed_by_ticket: int
    helpful: int
    not_helpful: int
    # The help widget: visits that read it inline, said it answered, did not contact us after.
    widget_opened: int = 0
    widget_answered: int = 0
    widget_deflected: int = 0


class IntentFiguresOut(BaseModel):
    intent: str
    answered: int
    followed_by_ticket: int
    deflection_rate: float | None


class GuideFiguresOut(BaseModel):
    guide_id: int
    slug: str
    title: str
    started: int
    article: int = Field(description="runs that ended in an article")
    flow: int = Field(description="runs that ended in a resolution flow")
    handoff: int = Field(description="runs that ended in a hand-off to a person")
    abandoned: int = Field(description="runs left without an end for 30 minutes")
    in_progress: int


class AnalyticsOut(BaseModel):
    since: dt.datetime
    follow_days: int
    top_queries: list[QueryOut]
    zero_result_queries: list[GapOut]
    articles: list[ArticleFiguresOut]
    intents: list[IntentFiguresOut]
    guides: list[GuideFiguresOut]


@router.get("/kb/analytics", response_model=AnalyticsOut)
def kb_analytics(
    session: SessionDep,
    user: AnalystDep,
    days: Annotated[int, Query(ge=1, le=366)] = 30,
    follow_days: Annotated[int, Query(ge=1, le=30)] = 7,
) -> AnalyticsOut:
    """The last ``days``: top and zero-result queries, and per article and intent the bot's
    answers that deflected the question or were followed by the customer writing again
    within ``follow_days``; per troubleshooting guide, how its runs ended; per article, what
    help-widget visitors did (``widget_*``)."""
    since = utcnow() - dt.timedelta(days=days)
    found = analytics(session, since, follow_days)
    return AnalyticsOut(
        since=found.since,
        follow_days=follow_days,
        top_queries=[
            QueryOut(query=q, searches=n, zero_results=z) for q, n, z in found.top_queries
        ],
        zero_result_queries=[GapOut(query=q, searches=n) for q, n in found.zero_result_queries],
        articles=[
            ArticleFiguresOut(
                article_id=a.article_id,
                slug=a.slug,
                title=a.title,
                answered=a.answered,
                deflected=a.deflected,
                followed_by_ticket=a.followed_by_ticket,
                helpful=a.helpful,
                not_helpful=a.not_helpful,
                widget_opened=a.widget.opened if a.widget else 0,
                widget_answered=a.widget.answered if a.widget else 0,
                widget_deflected=a.widget.deflected if a.widget else 0,
            )
            for a in found.articles
        ],
        intents=[
            IntentFiguresOut(
                intent=i.intent,
                answered=i.answered,
                followed_by_ticket=i.followed_by_ticket,
                deflection_rate=i.deflection_rate,
            )
            for i in found.intents
        ],
        guides=[GuideFiguresOut(**vars(g)) for g in guide_figures(session, since)],
    )
