"""Where an attachment's bytes live, by the prefix of its ``storage_key``: mail attachments
and files agents attach sit in the email store, visitors' chat files in the chat store.

SMS/WhatsApp media the provider hosts is fetched into the email store by a job
(``channels.media``); until then, or when it was refused or failed, it has no bytes here.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from minidesk.channels.chat import files as chat_files
from minidesk.channels.chat.models import ChatFile
from minidesk.channels.email import store as email_store


@dataclass(frozen=True)
class StoredFile:
    data: bytes
    content_type: str


def read(session: Session, storage_key: str | None) -> StoredFile | None:
    """The bytes under ``storage_key``; None when the desk holds none (no key, an unknown
    store, or a row whose bytes are gone)."""
    key = storage_key or ""
    if key.startswith(email_store.KEY_PREFIX):
        blob = email_store.get(session, key)
        return StoredFile(blob.data, blob.content_type) if blob is not None else None
    if key.startswith(chat_files.KEY_PREFIX):
        chat = session.get(ChatFile, key.removeprefix(chat_files.KEY_PREFIX))
        return StoredFile(chat.data, chat.content_type) if chat is not None else None
    return None
