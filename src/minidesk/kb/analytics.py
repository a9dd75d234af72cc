"""Knowledge-base analytics over a window of days: top queries, zero-result queries (content
gaps), and for each article and intent how often a bot answer from it deflected the question
or was followed by the customer writing again within ``follow_days`` (on that ticket, or a new
one), plus readers' "was this helpful?" tallies and what help-widget visitors did with it
(``kb.widget``: read inline, said it answered, did not go on to contact us).

Deflection is read from the ``kb.answered`` events; a follow-up is a customer message event
(``message.received``, not automated) after the answer on the same ticket, or a new ticket of
the same customer (``ticket.created``), within ``follow_days``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from minidesk.event_kinds import EventKind
from minidesk.events import Event
from minidesk.kb.models import KbArticle, KbFeedback, KbSearch
from minidesk.kb.widget import WidgetFigures
from minidesk.kb.widget import figures as widget_figures

TOP = 20


@dataclass
class ArticleFigures:
    article_id: int
    slug: str = ""
    title: str = ""
    answered: int = 0
    followed_by_ticket: int = 0
    helpful: int = 0
    not_helpful: int = 0
    widget: WidgetFigures | None = None

    @property
    def deflected(self) -> int:
        return self.answered - self.followed_by_ticket


@dataclass
class IntentFigures:
    intent: str
    answered: int = 0
    followed_by_ticket: int = 0

    @property
    def deflection_rate(self) -> float | None:
        return (self.answered - self.followed_by_ticket) / self.answered if self.answered else None


@dataclass
class Analytics:
    since: dt.datetime
    follow_days: int
    top_queries: list[tuple[str, int, int]] = field(default_factory=list)  # query, n, zero
    zero_result_queries: list[tuple[str, int]] = field(default_factory=list)
    articles: list[ArticleFigures] = field(default_factory=list)
    intents: list[IntentFigures] = field(default_factory=list)


def _queries(session: Session, since: dt.datetime, out: Analytics) -> None:
    zero = func.sum(case((KbSearch.results == 0, 1), else_=0))
    rows = session.execute(
        select(KbSearch.query, func.count(), zero)
        .where(KbSearch.created_at >= since)
        .group_by(KbSearch.query)
        .order_by(func.count().desc(), KbSearch.query)
        .limit(TOP)
    )
    out.top_queries = [(q, int(n), int(z or 0)) for q, n, z in rows]
    gaps = session.execute(
        select(KbSearch.query, func.count())
        .where(KbSearch.created_at >= since, KbSearch.results == 0)
        .group_by(KbSearch.query)
        .order_by(func.count().desc(), KbSearch.query)
        .limit(TOP)
    )
    out.zero_result_queries = [(q, int(n)) for q, n in gaps]


def _followed(session: Session, answer: Event, follow: dt.timedelta) -> bool:
    until = answer.created_at + follow
    same_ticket = select(Event.id).where(
        Event.kind == EventKind.MESSAGE_RECEIVED.value,
        Event.ticket_id == answer.ticket_id,
        Event.automated.is_(False),
        Event.id > answer.id,
        Event.created_at <= until,
    )
    new_ticket = select(Event.id).where(
        Event.kind == EventKind.TICKET_CREATED.value,
        Event.customer_id == answer.customer_id,
        Event.id > answer.id,
        Event.created_at <= until,
    )
    return session.scalar(same_ticket.limit(1)) is not None or (
        answer.customer_id is not None and session.scalar(new_ticket.limit(1)) is not None
    )


def analytics(session: Session, since: dt.datetime, follow_days: int) -> Analytics:
    out = Analytics(since=since, follow_days=follow_days)
    _queries(session, since, out)
    figures: dict[int, ArticleFigures] = {}
    intents: dict[str, IntentFigures] = {}
    answers = session.scalars(
        select(Event).where(Event.kind == EventKind.KB_ANSWERED.value, Event.created_at >= since)
    )
    for answer in answers:
        article_id = int(answer.data["article_id"])
        row = figures.setdefault(article_id, ArticleFigures(article_id))
        intent = intents.setdefault(answer.data["intent"], IntentFigures(answer.data["intent"]))
        row.answered += 1
        intent.answered += 1
        if _followed(session, answer, dt.timedelta(days=follow_days)):
            row.followed_by_ticket += 1
            intent.followed_by_ticket += 1
    votes: defaultdict[int, Counter[bool]] = defaultdict(Counter)
    for article_id, helpful, n in session.execute(
        select(KbFeedback.article_id, KbFeedback.helpful, func.count())
        .where(KbFeedback.created_at >= since)
        .group_by(KbFeedback.article_id, KbFeedback.helpful)
    ):
        votes[article_id][bool(helpful)] += int(n)
    for article_id, counts in votes.items():
        row = figures.setdefault(article_id, ArticleFigures(article_id))
        row.helpful, row.not_helpful = counts[True], counts[False]
    for article_id, seen in widget_figures(session, since).items():
        figures.setdefault(article_id, ArticleFigures(article_id)).widget = seen
    for article in session.scalars(select(KbArticle).where(KbArticle.id.in_(figures))):
        figures[article.id].slug, figures[article.id].title = article.slug, article.title
    out.articles = sorted(figures.values(), key=lambda f: (-f.deflected, -f.helpful, f.article_id))
    out.intents = sorted(intents.values(), key=lambda i: (-i.answered, i.intent))
    return out
