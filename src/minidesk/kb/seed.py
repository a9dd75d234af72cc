"""Seeding the demo shop's knowledge base (``minidesk demo``); idempotent."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.events import SYSTEM
from minidesk.kb.articles import do_create_article
from minidesk.kb.categories import do_create_category
from minidesk.kb.demo_articles import ARTICLES, CATEGORIES, TRANSLATIONS
from minidesk.kb.demo_guides import GUIDES
from minidesk.kb.guide_models import KbGuide
from minidesk.kb.guides import do_create_guide
from minidesk.kb.models import ArticleStatus, KbArticle, KbCategory


def seed_demo_articles(session: Session) -> int:
    """Create the demo categories and articles that do not exist yet; returns how many
    articles were added."""
    categories = {c.slug: c.id for c in session.scalars(select(KbCategory))}
    for values in CATEGORIES:
        if values["slug"] not in categories:
            categories[values["slug"]] = do_create_category(session, values, SYSTEM).id
    existing = {(a.slug, a.locale): a.id for a in session.scalars(select(KbArticle))}
    added = 0
    for category, slug, title, body, tags, visibility in ARTICLES:
        if (slug, "en") in existing:
            continue
        article = do_create_article(session, {
            "slug": slug, "title": title, "body": body, "tags": tags, "locale": "en",
            "visibility": visibility, "status": ArticleStatus.PUBLISHED,
            "category_id": categories[category],
        }, SYSTEM)  # fmt: skip
        existing[(slug, "en")] = article.id
        added += 1
    for slug, locale, title, body in TRANSLATIONS:
        if (slug, locale) not in existing and (slug, "en") in existing:
            do_create_article(session, {
                "title": title, "body": body, "locale": locale, "tags": [],
                "visibility": "public", "status": ArticleStatus.PUBLISHED,
            }, SYSTEM, translation_of=existing[(slug, "en")])  # fmt: skip
            added += 1
    return added


def seed_demo_guides(session: Session, flows: Collection[str]) -> int:
    """Publish the demo guides that do not exist yet (after the articles they end in);
    ``flows`` is the resolution flow registry their ends are checked against."""
    existing = set(session.scalars(select(KbGuide.slug)))
    added = 0
    for guide in GUIDES:
        if guide["slug"] not in existing:
            do_create_guide(session, {**guide, "status": ArticleStatus.PUBLISHED}, flows, SYSTEM)
            added += 1
    return added
