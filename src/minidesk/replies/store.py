"""Reading and saving templates. A saved template overrides the built-in one of the same key."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk import memo
from minidesk.db import utcnow
from minidesk.desk.models import User
from minidesk.event_kinds import EventKind
from minidesk.events import Actor, emit
from minidesk.replies.defaults import DEFAULTS
from minidesk.replies.models import ReplyTemplate
from minidesk.replies.spec import TemplateSpec, check_template


@dataclass(frozen=True)
class Listed:
    spec: TemplateSpec
    builtin: bool
    customised: bool
    enabled: bool


def _spec_of(row: ReplyTemplate) -> TemplateSpec:
    return TemplateSpec.from_data(row.key, row.name, row.tokens, row.variants)


def _row(session: Session, key: str) -> ReplyTemplate | None:
    return session.scalars(select(ReplyTemplate).where(ReplyTemplate.key == key)).first()


def _memo_name(key: str) -> str:
    return f"reply_template:{key}"


def get_spec(session: Session, key: str) -> TemplateSpec | None:
    """The template used for ``key``: the saved one if enabled, else the built-in (a disabled
    saved template switches the key off entirely). Read once per transaction and key: a
    dispatch batch sends the same few templates to many tickets."""
    return memo.get(session, _memo_name(key), lambda: _read_spec(session, key))


def _read_spec(session: Session, key: str) -> TemplateSpec | None:
    row = _row(session, key)
    if row is not None:
        return _spec_of(row) if row.enabled else None
    return DEFAULTS.get(key)


def list_templates(session: Session) -> list[Listed]:
    rows = {row.key: row for row in session.scalars(select(ReplyTemplate))}
    found = [Listed(_spec_of(row), row.key in DEFAULTS, True, row.enabled) for row in rows.values()]
    found += [Listed(spec, True, False, True) for key, spec in DEFAULTS.items() if key not in rows]
    return sorted(found, key=lambda listed: listed.spec.key)


def get_listed(session: Session, key: str) -> Listed | None:
    return next((t for t in list_templates(session) if t.spec.key == key), None)


def do_save_template(
    session: Session,
    spec: TemplateSpec,
    actor: Actor,
    *,
    author: User | None = None,
    enabled: bool = True,
) -> ReplyTemplate:
    """Validate and store ``spec`` (creating or replacing the row for its key)."""
    check_template(spec)
    row = _row(session, spec.key)
    created = row is None
    if row is None:
        row = ReplyTemplate(key=spec.key)
        session.add(row)
    before = None if created else {"tokens": row.tokens, "variants": row.variants}
    row.name = spec.name
    row.tokens = list(spec.tokens)
    row.variants = spec.variants_data()
    row.enabled = enabled
    row.updated_by_id = author.id if author else None
    row.updated_at = utcnow()
    session.flush()
    memo.forget(session, _memo_name(spec.key))
    emit(
        session,
        EventKind.TEMPLATE_CREATED if created else EventKind.TEMPLATE_UPDATED,
        actor,
        template=spec.key,
        enabled=enabled,
        before=before,
        after={"tokens": row.tokens, "variants": row.variants},
    )
    return row


def do_seed_defaults(session: Session, actor: Actor) -> int:
    """Store the built-in templates not yet saved (so an admin sees and edits them as rows);
    returns how many were added. Idempotent."""
    added = 0
    for key, spec in DEFAULTS.items():
        if _row(session, key) is None:
            do_save_template(session, spec, actor)
            added += 1
    return added
