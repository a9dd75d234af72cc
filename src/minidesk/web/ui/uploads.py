"""Files an agent attaches to a reply or note from the composer: checked against the limits,
stored content-addressed beside mail attachments, sent with the reply by the email adapter.

Only email carries files to the customer; on other channels a reply with files is refused
rather than sent without them (a note may still carry files for colleagues).
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import UploadFile
from sqlalchemy.orm import Session

from minidesk.channels.email import store
from minidesk.desk.models import Attachment, Message
from minidesk.settings import get_settings

MAX_FILES = 5
# What a support reply sends: pictures, documents, spreadsheets; never executables or HTML
# (which a mail client might render or run).
ALLOWED_TYPES = frozenset(
    {
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "application/pdf",
        "text/plain",
        "text/csv",
    }
)
CARRIES_FILES = frozenset({"email"})


class UploadError(ValueError):
    pass


@dataclass(frozen=True)
class Upload:
    filename: str
    blob: store.Blob


def read_uploads(files: list[UploadFile]) -> list[Upload]:
    """The posted files, each within the type and size limits (``UploadError`` naming the
    first that is not); an empty file input posts one nameless empty part, ignored here."""
    chosen = [f for f in files if f.filename]
    if len(chosen) > MAX_FILES:
        raise UploadError(f"at most {MAX_FILES} files per message")
    limit = get_settings().email_max_attachment_bytes
    uploads = []
    for file in chosen:
        kind = (file.content_type or "").split(";")[0].strip().lower()
        if kind not in ALLOWED_TYPES:
            raise UploadError(f"{file.filename}: {kind or 'unknown type'} is not allowed")
        data = file.file.read(limit + 1)  # spooled to disk by now: a sync read is fine
        if len(data) > limit:
            raise UploadError(f"{file.filename} is larger than {limit} bytes")
        uploads.append(Upload((file.filename or "")[:255], store.blob(data, kind)))
    return uploads


def check_channel(channel: str, is_note: bool, uploads: list[Upload]) -> None:
    if uploads and not is_note and channel not in CARRIES_FILES:
        raise UploadError(f"files go to customers by email only; this ticket is {channel}")


def do_attach(session: Session, message: Message, uploads: list[Upload]) -> None:
    """Store the bytes (once per content) and list them on the message, in the transaction
    that queued it, so the delivery job finds them."""
    if not uploads:
        return
    store.write(session, [u.blob for u in uploads])
    for upload in uploads:
        session.add(
            Attachment(
                message_id=message.id,
                filename=upload.filename,
                content_type=upload.blob.content_type,
                size=len(upload.blob.data),
                sha256=upload.blob.sha256,
                storage_key=upload.blob.key,
            )
        )
