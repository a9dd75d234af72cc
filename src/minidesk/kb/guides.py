"""Writing troubleshooting guides: check, create, save, delete; each change records a
``kb.guide_changed`` event. A guide is saved only when its tree passes every check of
``minidesk.kb.guide_tree`` and each end names a published public article or a known flow."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from minidesk.db import utcnow
from minidesk.event_kinds import EventKind
from minidesk.events import Actor, emit
from minidesk.kb.articles import ArticleError
from minidesk.kb.guide_models import KbGuide, KbGuideRun
from minidesk.kb.guide_tree import Tree, check_ends, check_tree
from minidesk.kb.models import ArticleStatus, KbArticle, Visibility

FIELDS = ("slug", "title", "description", "status")


def _state(guide: KbGuide) -> dict[str, Any]:
    return {name: getattr(guide, name) for name in FIELDS} | {"version": guide.version}


def article_exists(session: Session, slug: str) -> bool:
    """A published public article with ``slug`` in any language (the runner links it)."""
    return session.scalar(
        select(KbArticle.id).where(
            KbArticle.slug == slug,
            KbArticle.status == ArticleStatus.PUBLISHED,
            KbArticle.visibility == Visibility.PUBLIC,
        ).limit(1)
    ) is not None  # fmt: skip


def check_guide_tree(session: Session, document: Any, flows: Collection[str]) -> Tree:
    """The checked tree (``GuideTreeError`` names every problem's node)."""
    tree = check_tree(document)
    check_ends(tree, lambda slug: article_exists(session, slug), flows)
    return tree


def _check_slug(session: Session, slug: str, except_id: int | None) -> None:
    taken = session.scalar(select(KbGuide.id).where(KbGuide.slug == slug))
    if taken is not None and taken != except_id:
        raise ArticleError("slug", f"guide slug {slug!r} is taken by guide {taken}", status=409)


def do_create_guide(
    session: Session, values: Mapping[str, Any], flows: Collection[str], actor: Actor
) -> KbGuide:
    check_guide_tree(session, values["tree"], flows)
    _check_slug(session, values["slug"], None)
    guide = KbGuide(**values, version=1)
    session.add(guide)
    session.flush()
    emit(session, EventKind.KB_GUIDE_CHANGED, actor, guide_id=guide.id, before=None,
         after=_state(guide))  # fmt: skip
    return guide


def do_update_guide(
    session: Session,
    guide: KbGuide,
    changes: Mapping[str, Any],
    flows: Collection[str],
    actor: Actor,
) -> KbGuide:
    """Save ``changes`` as the next version; a save that changes nothing is no version."""
    changed = {k: v for k, v in changes.items() if getattr(guide, k) != v}
    if not changed:
        return guide
    if "tree" in changed:
        check_guide_tree(session, changed["tree"], flows)
    if "slug" in changed:
        _check_slug(session, changed["slug"], guide.id)
    before = _state(guide)
    for name, value in changed.items():
        setattr(guide, name, value)
    guide.version += 1
    guide.updated_at = utcnow()
    emit(session, EventKind.KB_GUIDE_CHANGED, actor, guide_id=guide.id, before=before,
         after=_state(guide))  # fmt: skip
    return guide


def do_delete_guide(session: Session, guide: KbGuide, actor: Actor) -> None:
    """The guide and its runs (their outcomes leave the analytics with it)."""
    emit(session, EventKind.KB_GUIDE_CHANGED, actor, guide_id=guide.id, before=_state(guide),
         after=None)  # fmt: skip
    # Runs go first, in SQL: the ORM knows no relationship to them.
    session.execute(delete(KbGuideRun).where(KbGuideRun.guide_id == guide.id))
    session.delete(guide)


def published_guide(session: Session, slug: str) -> KbGuide | None:
    return session.scalar(
        select(KbGuide).where(KbGuide.slug == slug, KbGuide.status == ArticleStatus.PUBLISHED)
    )
