"""Readers' "was this helpful?" answers and the tallies the help centre and analytics show."""

from __future__ import annotations

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from minidesk.kb.models import KbArticle, KbFeedback


def do_record_feedback(session: Session, article: KbArticle, helpful: bool, comment: str) -> None:
    session.add(KbFeedback(article_id=article.id, helpful=helpful, comment=comment.strip()))


def tally(session: Session, article_id: int) -> tuple[int, int]:
    """(helpful, not helpful) answers for the article."""
    row = session.execute(
        select(
            func.coalesce(func.sum(case((KbFeedback.helpful, 1), else_=0)), 0),
            func.count(KbFeedback.id),
        ).where(KbFeedback.article_id == article_id)
    ).one()
    return int(row[0]), int(row[1]) - int(row[0])
