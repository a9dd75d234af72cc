"""Page rules: an admin maps a pattern of the shop's page URLs to an article or a category,
and the help widget (and the chat widget) suggest what matches the page the visitor is on.

A pattern is a glob (``*`` any run of characters, ``?`` one, ``[...]`` a set): one that starts
with ``/`` matches the page's path ("/checkout*"), one with a scheme the whole URL
("https://shop.example/returns/*"). Only public, published articles are ever suggested; a rule
may name an internal or draft article (it becomes useful once the article is published), but
the widget never shows it.
"""

from __future__ import annotations

from collections.abc import Mapping
from fnmatch import fnmatchcase
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.event_kinds import EventKind
from minidesk.events import Actor, emit
from minidesk.kb.articles import ArticleError
from minidesk.kb.models import ArticleStatus, KbArticle, KbCategory, Visibility
from minidesk.kb.widget_models import KbPageRule

FIELDS = ("pattern", "article_id", "category_id", "position")
MAX_PATTERN = 500


def matches(url: str, pattern: str) -> bool:
    """Whether the page at ``url`` (a full URL or a path) falls under ``pattern``."""
    if "://" in pattern:
        return fnmatchcase(url, pattern)
    return fnmatchcase(urlsplit(url).path or "/", pattern)


def check_pattern(pattern: str) -> str:
    cleaned = pattern.strip()
    if not cleaned:
        raise ArticleError("pattern", "a pattern is needed, such as /checkout*")
    if len(cleaned) > MAX_PATTERN:
        raise ArticleError("pattern", f"at most {MAX_PATTERN} characters")
    if any(c.isspace() or ord(c) < 32 for c in cleaned):
        raise ArticleError("pattern", "a URL pattern has no spaces or control characters")
    if not cleaned.startswith("/"):
        scheme = urlsplit(cleaned).scheme
        if scheme not in ("http", "https") or "://" not in cleaned:
            raise ArticleError(
                "pattern",
                "start with / to match a path (/checkout*) or with https:// to match whole URLs",
            )
    return cleaned


def _check_target(session: Session, values: Mapping[str, Any]) -> None:
    article_id, category_id = values.get("article_id"), values.get("category_id")
    if (article_id is None) == (category_id is None):
        raise ArticleError("article_id", "name either an article_id or a category_id, not both")
    if article_id is not None and session.get(KbArticle, article_id) is None:
        raise ArticleError("article_id", f"no article {article_id}")
    if category_id is not None and session.get(KbCategory, category_id) is None:
        raise ArticleError("category_id", f"no category {category_id}")


def _state(rule: KbPageRule) -> dict[str, Any]:
    return {name: getattr(rule, name) for name in FIELDS}


def do_create_rule(session: Session, values: Mapping[str, Any], actor: Actor) -> KbPageRule:
    cleaned = {**values, "pattern": check_pattern(str(values.get("pattern", "")))}
    _check_target(session, cleaned)
    rule = KbPageRule(**{name: cleaned.get(name) for name in FIELDS if name in cleaned})
    session.add(rule)
    session.flush()
    emit(session, EventKind.KB_PAGE_RULE_CHANGED, actor, rule_id=rule.id,
         before=None, after=_state(rule))  # fmt: skip
    return rule


def do_update_rule(
    session: Session, rule: KbPageRule, changes: Mapping[str, Any], actor: Actor
) -> None:
    """Change the fields given; naming an article clears the category and the other way round."""
    before = _state(rule)
    merged = {**before, **changes}
    if "article_id" in changes and changes["article_id"] is not None:
        merged["category_id"] = changes.get("category_id")
    if "category_id" in changes and changes["category_id"] is not None:
        merged["article_id"] = changes.get("article_id")
    merged["pattern"] = check_pattern(str(merged["pattern"]))
    _check_target(session, merged)
    for name in FIELDS:
        setattr(rule, name, merged[name])
    session.flush()
    emit(session, EventKind.KB_PAGE_RULE_CHANGED, actor, rule_id=rule.id,
         before=before, after=_state(rule))  # fmt: skip


def do_delete_rule(session: Session, rule: KbPageRule, actor: Actor) -> None:
    emit(session, EventKind.KB_PAGE_RULE_CHANGED, actor, rule_id=rule.id,
         before=_state(rule), after=None)  # fmt: skip
    session.delete(rule)
    session.flush()


def articles_for_url(session: Session, url: str, locale: str | None, limit: int) -> list[KbArticle]:
    """Up to ``limit`` public, published articles the rules matching ``url`` name, the rules
    taken by position: a category rule brings its articles in the help centre's order
    (title). Only what is shown is loaded: a category of hundreds costs ``limit`` rows."""
    # Plain rows, not ORM objects: every widget ask reads every rule, and few match.
    every = select(KbPageRule.pattern, KbPageRule.article_id, KbPageRule.category_id)
    matching = [
        rule
        for rule in session.execute(every.order_by(KbPageRule.position, KbPageRule.id))
        if matches(url, rule.pattern)
    ]
    shown = select(KbArticle).where(
        KbArticle.status == ArticleStatus.PUBLISHED, KbArticle.visibility == Visibility.PUBLIC
    )
    if locale is not None:
        shown = shown.where(KbArticle.locale == locale)
    article_ids = [r.article_id for r in matching if r.article_id is not None]
    by_id = (
        {a.id: a for a in session.scalars(shown.where(KbArticle.id.in_(article_ids)))}
        if article_ids
        else {}
    )
    found: list[KbArticle] = []
    for rule in matching:
        if len(found) >= limit:
            break
        if rule.article_id is not None:
            candidates = [by_id[rule.article_id]] if rule.article_id in by_id else []
        else:
            candidates = list(session.scalars(
                shown.where(KbArticle.category_id == rule.category_id)
                .order_by(KbArticle.title, KbArticle.id).limit(limit)))  # fmt: skip
        found += [a for a in candidates if a not in found]
    return found[:limit]
