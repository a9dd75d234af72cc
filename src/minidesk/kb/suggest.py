"""Articles to suggest: to an agent for a ticket (from its latest customer message), and to
a visitor of the shop's site (from the page's URL and what they type)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import String, cast, select
from sqlalchemy.orm import Session

from minidesk.desk.models import Message, Ticket
from minidesk.kb.answers import THRESHOLD, scored
from minidesk.kb.markdown import first_paragraph
from minidesk.kb.models import ArticleStatus, KbArticle, Visibility
from minidesk.kb.page_rules import articles_for_url, matches
from minidesk.kb.reading import Found, find, help_path, typed_question
from minidesk.kb.search import Scope

SUGGESTIONS = 5


def for_ticket(session: Session, ticket: Ticket, limit: int = SUGGESTIONS) -> list[Found]:
    """Published articles (internal ones too: agents read them) for the ticket's subject and
    latest customer message."""
    latest = session.scalar(
        select(Message.text)
        .where(Message.ticket_id == ticket.id, Message.direction == "inbound")
        .order_by(Message.id.desc())
        .limit(1)
    )
    question = f"{ticket.subject or ''} {latest or ''}".strip()
    if not question:
        return []
    scope = Scope(internal=True)
    # Every full-text match stays a suggestion; one found by meaning alone only when it is as
    # sure as the bot must be to answer with it (the nearest articles are found for any text).
    matched = [f.article.id for f in find(session, question, scope, limit)[1]]
    ranked = [
        Found(a.article, a.score) for a in scored(session, question, scope, also=matched)
        if a.article.id in matched or a.score >= THRESHOLD
    ]  # fmt: skip
    return ranked[:limit]


@dataclass(frozen=True)
class PageSuggestions:
    articles: list[KbArticle]
    typed_found: list[int]  # what the visitor's words found, best first (for the search log)


def for_page(
    session: Session, url: str, typed: str, locale: str | None, limit: int = SUGGESTIONS
) -> PageSuggestions:
    """Public articles the page rules name for ``url`` first (``kb.page_rules``), then those
    whose own ``url_rules`` match it, then what ``typed`` finds (by words, and by meaning once
    it is a question: ``reading.typed_question``)."""
    chosen: list[KbArticle] = articles_for_url(session, url, locale, limit) if url else []
    if url:
        query = select(KbArticle).where(
            KbArticle.status == ArticleStatus.PUBLISHED,
            KbArticle.visibility == Visibility.PUBLIC,
            cast(KbArticle.url_rules, String) != "[]",  # only articles that have rules
        )
        if locale is not None:
            query = query.where(KbArticle.locale == locale)
        # Rules live in a JSON list; the articles that have any are few, so match in Python.
        for article in session.scalars(query.order_by(KbArticle.id)):
            if article not in chosen and any(matches(url, r) for r in article.url_rules):
                chosen.append(article)
    found: list[Found] = []
    if typed.strip():  # searched even when the page fills the list: the search is logged
        # A typed question also meets articles close in meaning, as on the help centre.
        meaning = typed_question(typed)
        found = find(session, typed, Scope(locale=locale), limit, meaning=meaning)[1]
        seen = {a.id for a in chosen}
        chosen += [f.article for f in found if f.article.id not in seen]
    return PageSuggestions(chosen[:limit], [f.article.id for f in found])


def insert_text(article: KbArticle, public_url: str) -> str:
    """What "insert" puts in an agent's reply: the article's title, first paragraph and its
    link on the help centre (public articles only: an internal one is not for customers)."""
    link = help_path(article)
    if link is None:
        raise ValueError(f"article {article.id} is not public")
    return (
        f"{article.title}\n\n{first_paragraph(article.body)}\n\n"
        f"Read more: {public_url.rstrip('/')}{link}"
    )
