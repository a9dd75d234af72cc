"""Content-addressed storage of raw mail and attachments (see ``models.EmailBlob``)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from minidesk.channels.email.models import EmailBlob
from minidesk.db import upsert_insert

# ``Attachment.storage_key`` and the raw-mail reference both use this prefix, so a reader
# can tell which store a key belongs to.
KEY_PREFIX = "email-blob:"


@dataclass(frozen=True)
class Blob:
    """Bytes ready to store; the key is known before anything is written."""

    sha256: str
    data: bytes
    content_type: str

    @property
    def key(self) -> str:
        return KEY_PREFIX + self.sha256


def blob(data: bytes, content_type: str) -> Blob:
    """Hash ``data`` now, so that writing it later holds the write lock for no CPU work."""
    return Blob(hashlib.sha256(data).hexdigest(), data, content_type[:255])


def write(session: Session, blobs: Sequence[Blob]) -> None:
    """Store each blob once, however often it arrives, in one INSERT.

    The statement is built on the table rather than the mapped class: the ORM's
    per-statement bookkeeping cost more than SQLite's write itself."""
    rows = {
        b.sha256: {"sha256": b.sha256, "size": len(b.data), "content_type": b.content_type,
                   "data": b.data}
        for b in blobs
    }  # fmt: skip
    if rows:
        dialect = session.get_bind().dialect.name
        statement = _inserts.get(dialect)
        if statement is None:  # built once per dialect: building costs more than the write
            statement = _inserts[dialect] = upsert_insert(
                session, EmailBlob.__table__
            ).on_conflict_do_nothing(index_elements=["sha256"])
        session.execute(statement, list(rows.values()))


_inserts: dict[str, Any] = {}


def get(session: Session, key: str) -> EmailBlob | None:
    if not key.startswith(KEY_PREFIX):
        return None
    return session.get(EmailBlob, key.removeprefix(KEY_PREFIX))
