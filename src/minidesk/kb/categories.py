"""Help-centre categories: create, change, delete (articles in a deleted one stay,
uncategorised)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from minidesk.event_kinds import EventKind
from minidesk.events import Actor, emit
from minidesk.kb.articles import ArticleError
from minidesk.kb.models import KbArticle, KbCategory

FIELDS = ("slug", "name", "description", "position")


def _state(category: KbCategory) -> dict[str, Any]:
    return {name: getattr(category, name) for name in FIELDS}


def _check_slug(session: Session, slug: str, except_id: int | None) -> None:
    taken = session.scalar(select(KbCategory.id).where(KbCategory.slug == slug))
    if taken is not None and taken != except_id:
        raise ArticleError("slug", f"category slug {slug!r} is taken", status=409)


def do_create_category(session: Session, values: Mapping[str, Any], actor: Actor) -> KbCategory:
    _check_slug(session, values["slug"], None)
    category = KbCategory(**values)
    session.add(category)
    session.flush()
    emit(session, EventKind.KB_CATEGORY_CHANGED, actor, category_id=category.id,
         before=None, after=_state(category))  # fmt: skip
    return category


def do_update_category(
    session: Session, category: KbCategory, changes: Mapping[str, Any], actor: Actor
) -> KbCategory:
    if "slug" in changes:
        _check_slug(session, changes["slug"], category.id)
    before = _state(category)
    for name, value in changes.items():
        setattr(category, name, value)
    if _state(category) != before:
        emit(session, EventKind.KB_CATEGORY_CHANGED, actor, category_id=category.id,
             before=before, after=_state(category))  # fmt: skip
    return category


def do_delete_category(session: Session, category: KbCategory, actor: Actor) -> None:
    session.execute(
        update(KbArticle).where(KbArticle.category_id == category.id).values(category_id=None)
    )
    emit(session, EventKind.KB_CATEGORY_CHANGED, actor, category_id=category.id,
         before=_state(category), after=None)  # fmt: skip
    session.delete(category)
