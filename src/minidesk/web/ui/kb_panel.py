"""The ticket page's "Suggested articles": knowledge-base articles for the ticket's latest
customer message, each insertable into the reply (title, first paragraph, help-centre link)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from minidesk.desk.models import Ticket
from minidesk.kb.models import KbArticle
from minidesk.kb.reading import help_path, is_public
from minidesk.kb.suggest import for_ticket, insert_text
from minidesk.settings import get_settings


def kb_panel(session: Session, ticket: Ticket, insert: int = 0) -> dict[str, Any]:
    """``suggested_articles`` for the page, and with ``insert`` (an article id, the no-script
    way) the composer's draft pre-filled with that article."""
    base = get_settings().public_url
    suggested = [
        {
            "id": found.article.id,
            "title": found.article.title,
            "excerpt": found.excerpt,
            "public": is_public(found.article),
            "url": help_path(found.article),
            "insert": insert_text(found.article, base) if is_public(found.article) else "",
        }
        for found in for_ticket(session, ticket)
    ]
    context: dict[str, Any] = {"suggested_articles": suggested}
    chosen = session.get(KbArticle, insert) if insert > 0 else None
    if chosen is not None and is_public(chosen):
        context["draft"] = {"key": "", "text": insert_text(chosen, base), "missing": []}
    return context
