"""The help widget on a shop's site: which sites may embed it, and what visitors do with it.

Deflection, as the widget sees it: a visit (one browser tab, keyed by a random id the widget
keeps) that read an article inline or pressed "This answered my question", and did not go on
to ask a person afterwards in that visit (start a chat, "Contact us"), was deflected. The chat
widget reports a chat started in the same tab, so "read, then still wrote to us" is counted.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import and_, distinct, exists, func, select
from sqlalchemy.orm import Session, aliased

from minidesk.event_kinds import EventKind
from minidesk.events import Actor, emit
from minidesk.kb.articles import ArticleError
from minidesk.kb.models import KbArticle
from minidesk.kb.widget_models import KbWidget, KbWidgetEvent, WidgetAction

MAX_ORIGINS = 50
# The widget makes the key: letters, digits and hyphens, long enough to be unguessable.
VISIT = re.compile(r"^[A-Za-z0-9-]{8,40}$")


def check_origin(value: str) -> str:
    """``https://shop.example`` (scheme, host and port only), as browsers send ``Origin``."""
    parts = urlsplit(value.strip())
    if (
        parts.scheme not in {"http", "https"}
        or not parts.netloc
        or parts.path not in {"", "/"}
        or parts.query
        or parts.fragment
        or "@" in parts.netloc
    ):
        raise ArticleError(
            "allowed_origins", f"{value!r} is not an origin like https://shop.example"
        )
    return f"{parts.scheme}://{parts.netloc.lower()}"


def allowed_origins(session: Session) -> list[str]:
    row = session.get(KbWidget, 1)
    return list(row.allowed_origins) if row is not None else []


def do_set_origins(session: Session, origins: Iterable[str], actor: Actor) -> list[str]:
    cleaned = list(dict.fromkeys(check_origin(o) for o in origins))
    if len(cleaned) > MAX_ORIGINS:
        raise ArticleError("allowed_origins", f"at most {MAX_ORIGINS} sites")
    row = session.get(KbWidget, 1)
    if row is None:
        row = KbWidget(id=1, allowed_origins=[])
        session.add(row)
    before = list(row.allowed_origins)
    row.allowed_origins = cleaned
    session.flush()
    if before != cleaned:
        emit(session, EventKind.KB_WIDGET_CHANGED, actor, before=before, after=cleaned)
    return cleaned


def do_record_action(
    session: Session, visit: str, action: WidgetAction, article: KbArticle | None
) -> KbWidgetEvent:
    """Store what a visitor did; reading and answering name the (public) article, contacting
    names none."""
    if not VISIT.match(visit):
        raise ArticleError("visit", "8 to 40 letters, digits or hyphens")
    if (article is None) != (action == WidgetAction.CONTACTED):
        raise ArticleError("article_id", f"{action.value} needs an article_id"
                           if article is None else "contacted takes no article_id")  # fmt: skip
    row = KbWidgetEvent(visit=visit, action=action.value,
                        article_id=article.id if article else None)  # fmt: skip
    session.add(row)
    session.flush()
    return row


@dataclass
class WidgetFigures:
    article_id: int
    opened: int = 0  # visits that read it inline
    answered: int = 0  # visits that said it answered their question
    deflected: int = 0  # visits that read or answered and did not contact us afterwards


def figures(session: Session, since: dt.datetime) -> dict[int, WidgetFigures]:
    event = aliased(KbWidgetEvent)
    later = aliased(KbWidgetEvent)
    window = and_(event.created_at >= since, event.article_id.is_not(None))
    out: dict[int, WidgetFigures] = {}
    for article_id, action, visits in session.execute(
        select(event.article_id, event.action, func.count(distinct(event.visit)))
        .where(window)
        .group_by(event.article_id, event.action)
    ):
        row = out.setdefault(article_id or 0, WidgetFigures(article_id or 0))
        if action == WidgetAction.OPENED:
            row.opened = int(visits)
        elif action == WidgetAction.ANSWERED:
            row.answered = int(visits)
    contacted_after = exists().where(
        later.visit == event.visit,
        later.action == WidgetAction.CONTACTED.value,
        later.id > event.id,
    )
    for article_id, visits in session.execute(
        select(event.article_id, func.count(distinct(event.visit)))
        .where(window, ~contacted_after)
        .group_by(event.article_id)
    ):
        out.setdefault(article_id or 0, WidgetFigures(article_id or 0)).deflected = int(visits)
    return out
