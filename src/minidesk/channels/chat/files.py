"""Visitors' attachments: checked against the channel's size and type limits, then stored
once per content (``models.ChatFile``) before the line that carries them is accepted."""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

from sqlalchemy.orm import Session

from minidesk.channels.base import AttachmentIn
from minidesk.channels.chat.kind import ChatSettings
from minidesk.channels.chat.models import ChatFile
from minidesk.channels.chat.protocol import Upload
from minidesk.db import upsert_insert

KEY_PREFIX = "chat-file:"

# What a file of each type starts with: a declared type must match the bytes, so an HTML page
# or a script cannot come in labelled as a picture.
MAGIC: dict[str, tuple[bytes, ...]] = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "application/pdf": (b"%PDF-",),
}


class Refused(ValueError):
    def __init__(self, detail: str, *, too_large: bool) -> None:
        super().__init__(detail)
        self.detail = detail
        self.too_large = too_large


@dataclass(frozen=True)
class Checked:
    filename: str
    content_type: str
    data: bytes
    sha256: str

    def attachment(self) -> AttachmentIn:
        return AttachmentIn(
            filename=self.filename,
            content_type=self.content_type,
            size=len(self.data),
            sha256=self.sha256,
            storage_key=KEY_PREFIX + self.sha256,
        )


def _matches(content_type: str, data: bytes) -> bool:
    if content_type == "image/webp":
        return data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    if content_type.startswith("text/"):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return b"\x00" not in data
    prefixes = MAGIC.get(content_type)
    # A type the shop allowed that we cannot recognise is taken at its word.
    return prefixes is None or data.startswith(prefixes)


def check(upload: Upload, settings: ChatSettings) -> Checked:
    content_type = upload.content_type.split(";")[0].strip().lower()
    if content_type not in settings.attachment_types:
        allowed = ", ".join(settings.attachment_types)
        raise Refused(f"{content_type} files are not accepted here ({allowed})", too_large=False)
    # Base64 is 4 bytes per 3: refuse an oversized file before decoding it.
    if len(upload.data) > (settings.attachment_max_bytes + 2) // 3 * 4 + 4:
        raise Refused(_too_big(settings), too_large=True)
    try:
        data = base64.b64decode(upload.data, validate=True)
    except (binascii.Error, ValueError):
        raise Refused("attachment data is not base64", too_large=False) from None
    if len(data) > settings.attachment_max_bytes:
        raise Refused(_too_big(settings), too_large=True)
    if not data:
        raise Refused("the attachment is empty", too_large=False)
    if not _matches(content_type, data):
        raise Refused(f"the file's content is not {content_type}", too_large=False)
    name = upload.filename.replace("/", "_").replace("\\", "_").strip() or "attachment"
    return Checked(name[:255], content_type, data, hashlib.sha256(data).hexdigest())


def _too_big(settings: ChatSettings) -> str:
    return f"attachments are limited to {settings.attachment_max_bytes} bytes"


def write(session: Session, files: list[Checked]) -> None:
    for file in files:
        session.execute(
            upsert_insert(session, ChatFile)
            .values(
                sha256=file.sha256,
                size=len(file.data),
                content_type=file.content_type,
                data=file.data,
            )
            .on_conflict_do_nothing(index_elements=["sha256"])
        )
