"""Content-addressed storage of raw mail and attachments (see ``models.EmailBlob``)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from minidesk.channels.email.models import EmailBlob
from minidesk.db import upsert_insert

# ``Attachment.storage_key`` and the raw-mail reference both use this prefix, so a reader
# can tell which store a key belongs to.
KEY_PREFIX = "email-blob:"


def put(session: Session, data: bytes, content_type: str) -> str:
    """Store ``data`` (once, however often it arrives) and return its key."""
    return put_many(session, [(data, content_type)])[0]


def put_many(session: Session, items: Sequence[tuple[bytes, str]]) -> list[str]:
    """Store each ``(data, content_type)`` once; their keys, in order.

    One INSERT for the raw mail and all its attachments, against the table rather than the
    mapped class: the ORM's per-statement bookkeeping cost more than SQLite's write itself.
    """
    rows: dict[str, dict[str, Any]] = {}
    keys: list[str] = []
    for data, content_type in items:
        digest = hashlib.sha256(data).hexdigest()
        keys.append(KEY_PREFIX + digest)
        # The same bytes twice in one mail (a logo in every forwarded part) are stored once.
        rows.setdefault(
            digest,
            {"sha256": digest, "size": len(data), "content_type": content_type[:255], "data": data},
        )
    if rows:
        table = EmailBlob.__table__
        statement = upsert_insert(session, table).on_conflict_do_nothing(index_elements=["sha256"])
        session.execute(statement, list(rows.values()))
    return keys


def get(session: Session, key: str) -> EmailBlob | None:
    if not key.startswith(KEY_PREFIX):
        return None
    return session.get(EmailBlob, key.removeprefix(KEY_PREFIX))
