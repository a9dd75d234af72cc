"""Content-addressed storage of raw mail and attachments (see ``models.EmailBlob``)."""

from __future__ import annotations

import hashlib

from sqlalchemy.orm import Session

from minidesk.channels.email.models import EmailBlob
from minidesk.db import upsert_insert

# ``Attachment.storage_key`` and the raw-mail reference both use this prefix, so a reader
# can tell which store a key belongs to.
KEY_PREFIX = "email-blob:"


def put(session: Session, data: bytes, content_type: str) -> str:
    """Store ``data`` (once, however often it arrives) and return its key."""
    digest = hashlib.sha256(data).hexdigest()
    session.execute(
        upsert_insert(session, EmailBlob)
        .values(sha256=digest, size=len(data), content_type=content_type[:255], data=data)
        .on_conflict_do_nothing(index_elements=["sha256"])
    )
    return KEY_PREFIX + digest


def get(session: Session, key: str) -> EmailBlob | None:
    if not key.startswith(KEY_PREFIX):
        return None
    return session.get(EmailBlob, key.removeprefix(KEY_PREFIX))
