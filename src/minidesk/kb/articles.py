"""Writing articles: create, save a new version, roll back, delete; each a ``do_*`` that
records an event. Every save stores the article as it now is in ``kb_article_versions``, so
history is complete and a rollback is just another save."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from minidesk.db import utcnow
from minidesk.event_kinds import EventKind
from minidesk.events import Actor, ActorType, emit
from minidesk.kb.models import (
    ArticleStatus,
    KbArticle,
    KbArticleEmbedding,
    KbArticleVersion,
    KbCategory,
    KbFeedback,
    KbSearch,
)

# Fields a save may change; the rest (slug and locale of a translation, author) follow them.
VERSIONED = ("title", "body", "tags", "category_id", "visibility", "status")
EDITABLE = (*VERSIONED, "slug", "url_rules")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class ArticleError(ValueError):
    """Input the knowledge base refuses; ``field`` names what to fix."""

    def __init__(self, field: str, message: str, *, status: int = 422) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
        self.status = status


def slugify(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:100].strip("-")
    return slug or "article"


def _author(actor: Actor) -> int | None:
    return actor.id if actor.type == ActorType.USER else None


def check_category(session: Session, category_id: int | None) -> None:
    if category_id is not None and session.get(KbCategory, category_id) is None:
        raise ArticleError("category_id", f"no category {category_id}")


def check_slug_free(session: Session, slug: str, locale: str, except_id: int | None) -> None:
    taken = session.scalar(
        select(KbArticle.id).where(KbArticle.slug == slug, KbArticle.locale == locale)
    )
    if taken is not None and taken != except_id:
        raise ArticleError("slug", f"{slug!r} is taken in {locale} by article {taken}", status=409)


def _snapshot(session: Session, article: KbArticle, actor: Actor, note: str) -> None:
    session.add(
        KbArticleVersion(
            article_id=article.id,
            version=article.version,
            title=article.title,
            body=article.body,
            tags=list(article.tags),
            category_id=article.category_id,
            visibility=article.visibility,
            status=article.status,
            author_id=_author(actor),
            note=note,
        )
    )


def _facts(article: KbArticle) -> dict[str, Any]:
    return {
        "article_id": article.id,
        "slug": article.slug,
        "locale": article.locale,
        "version": article.version,
        "status": article.status,
        "visibility": article.visibility,
    }


def do_create_article(
    session: Session, values: Mapping[str, Any], actor: Actor, *, translation_of: int | None = None
) -> KbArticle:
    """A new article (version 1). ``translation_of`` joins another article's translation
    group: same slug by default and the group's category, in another locale."""
    fields = dict(values)
    group: int | None = None
    if translation_of is not None:
        original = session.get(KbArticle, translation_of)
        if original is None:
            raise ArticleError("translation_of", f"no article {translation_of}")
        group = original.translation_group or original.id
        fields.setdefault("slug", original.slug)
        fields.setdefault("category_id", original.category_id)
        siblings = select(KbArticle.id).where(
            KbArticle.translation_group == group, KbArticle.locale == fields["locale"]
        )
        if fields["locale"] == original.locale or session.scalar(siblings) is not None:
            raise ArticleError(
                "locale", f"article {translation_of} already has a {fields['locale']} version",
                status=409,
            )  # fmt: skip
    fields["slug"] = fields.get("slug") or slugify(fields["title"])
    check_category(session, fields.get("category_id"))
    check_slug_free(session, fields["slug"], fields["locale"], None)
    now = utcnow()
    article = KbArticle(
        **fields,
        translation_group=group,
        version=1,
        author_id=_author(actor),
        created_at=now,
        updated_at=now,
        published_at=now if fields.get("status") == ArticleStatus.PUBLISHED else None,
    )
    session.add(article)
    session.flush()
    if group is None:
        article.translation_group = article.id
    _snapshot(session, article, actor, "created")
    emit(session, EventKind.KB_ARTICLE_CREATED, actor, **_facts(article))
    return article


def do_update_article(
    session: Session,
    article: KbArticle,
    changes: Mapping[str, Any],
    actor: Actor,
    *,
    note: str = "",
    rolled_back_to: int | None = None,
) -> KbArticle:
    """Save ``changes`` as the article's next version; a save that changes nothing is no
    version at all (a double click does not fill the history)."""
    changed = sorted(k for k, v in changes.items() if getattr(article, k) != v)
    if not changed:
        return article
    if "category_id" in changed:
        check_category(session, changes["category_id"])
    if "slug" in changed:
        check_slug_free(session, changes["slug"], article.locale, article.id)
    for name in changed:
        setattr(article, name, changes[name])
    now = utcnow()
    article.updated_at = now
    if "status" in changed and article.status == ArticleStatus.PUBLISHED:
        article.published_at = now
    if set(changed) & set(VERSIONED):
        article.version += 1
        _snapshot(session, article, actor, note)
    emit(
        session,
        EventKind.KB_ARTICLE_UPDATED,
        actor,
        **_facts(article),
        changed=changed,
        rolled_back_to=rolled_back_to,
    )
    return article


def do_rollback(session: Session, article: KbArticle, version: int, actor: Actor) -> KbArticle:
    """Make ``version``'s content the newest version again (history keeps everything)."""
    old = session.scalar(
        select(KbArticleVersion).where(
            KbArticleVersion.article_id == article.id, KbArticleVersion.version == version
        )
    )
    if old is None:
        raise ArticleError("version", f"article {article.id} has no version {version}", status=404)
    category = old.category_id
    if category is not None and session.get(KbCategory, category) is None:
        category = None  # its category was deleted since: the article stays uncategorised
    changes = {name: getattr(old, name) for name in VERSIONED} | {"category_id": category}
    return do_update_article(
        session, article, changes, actor, note=f"rollback to version {version}",
        rolled_back_to=version,
    )  # fmt: skip


def do_delete_article(session: Session, article: KbArticle, actor: Actor) -> None:
    facts: dict[str, Any] = {
        "article_id": article.id,
        "slug": article.slug,
        "locale": article.locale,
    }
    # Rows pointing at the article go first, in SQL: the ORM knows no relationship to them.
    for table in (KbArticleVersion, KbFeedback, KbArticleEmbedding):
        session.execute(delete(table).where(table.article_id == article.id))
    session.execute(
        update(KbSearch).where(KbSearch.top_article_id == article.id).values(top_article_id=None)
    )
    session.delete(article)
    emit(session, EventKind.KB_ARTICLE_DELETED, actor, **facts)


def translations(session: Session, article: KbArticle) -> list[KbArticle]:
    """The article's other languages."""
    group = article.translation_group or article.id
    query = select(KbArticle).where(
        KbArticle.translation_group == group, KbArticle.id != article.id
    )
    return list(session.scalars(query.order_by(KbArticle.locale)))
