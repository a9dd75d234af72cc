"""Files attached to articles: what may be uploaded (a few document and picture types, up to
``MAX_BYTES``), checked against what the bytes really are, and who may read them.

A file is served from the desk's own origin, so it must never be something a browser runs:
HTML, SVG and scripts are refused, and a file whose bytes do not match its declared type (an
HTML page named ``.png``) is refused too. Pictures and PDFs are shown in place (Markdown
``![alt](/help/files/ID/name.png)``); text and CSV download.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.desk.models import User
from minidesk.event_kinds import EventKind
from minidesk.events import Actor, emit
from minidesk.kb.articles import ArticleError
from minidesk.kb.models import KbArticle, KbAttachment

MAX_BYTES = 2 * 1024 * 1024
MAX_FILES = 50  # per article
MAX_NAME = 255
# Declared type → how its bytes begin (None: text, checked to be UTF-8 without NUL bytes).
SIGNATURES: dict[str, tuple[bytes, ...] | None] = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "image/webp": (b"RIFF",),
    "application/pdf": (b"%PDF-",),
    "text/plain": None,
    "text/csv": None,
}
SHOWN_IN_PLACE = frozenset(
    {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"}
)


@dataclass(frozen=True)
class Upload:
    filename: str
    content_type: str
    data: bytes


def _clean_name(filename: str) -> str:
    # Keep the last path segment only, without control characters: it ends up in a header.
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if ord(c) >= 32 and c != "\x7f").strip()
    if not name:
        raise ArticleError("file", "the file needs a name")
    if len(name) > MAX_NAME:
        raise ArticleError("file", f"the file name is longer than {MAX_NAME} characters")
    return name


def check_upload(filename: str, declared: str, data: bytes) -> Upload:
    """The upload if it is allowed, else an ``ArticleError`` that says what to change."""
    name = _clean_name(filename)
    kind = declared.split(";", maxsplit=1)[0].strip().lower()
    if kind not in SIGNATURES:
        allowed = ", ".join(sorted(SIGNATURES))
        raise ArticleError("file", f"{name}: {kind or 'an unknown type'} is not allowed "
                                   f"(allowed: {allowed})")  # fmt: skip
    if not data:
        raise ArticleError("file", f"{name} is empty")
    if len(data) > MAX_BYTES:
        raise ArticleError("file", f"{name} is {len(data)} bytes; the limit is {MAX_BYTES} bytes")
    signature = SIGNATURES[kind]
    if signature is None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise ArticleError("file", f"{name} is not UTF-8 text, as {kind} must be") from None
        if "\x00" in text:
            raise ArticleError("file", f"{name} is not UTF-8 text, as {kind} must be")
    elif not data.startswith(signature) or (kind == "image/webp" and data[8:12] != b"WEBP"):
        raise ArticleError("file", f"{name}: its bytes are not {kind}, as declared")
    return Upload(name, kind, data)


def do_attach(
    session: Session, article: KbArticle, upload: Upload, user: User, actor: Actor
) -> KbAttachment:
    count = len(session.scalars(
        select(KbAttachment.id).where(KbAttachment.article_id == article.id)).all())  # fmt: skip
    if count >= MAX_FILES:
        raise ArticleError("file", f"an article has at most {MAX_FILES} files")
    row = KbAttachment(article_id=article.id, filename=upload.filename,
                       content_type=upload.content_type, size=len(upload.data),
                       data=upload.data, author_id=user.id)  # fmt: skip
    session.add(row)
    session.flush()
    emit(session, EventKind.KB_FILE_CHANGED, actor, article_id=article.id, file_id=row.id,
         filename=row.filename, change="added")  # fmt: skip
    return row


def do_delete_file(session: Session, row: KbAttachment, actor: Actor) -> None:
    emit(session, EventKind.KB_FILE_CHANGED, actor, article_id=row.article_id, file_id=row.id,
         filename=row.filename, change="deleted")  # fmt: skip
    session.delete(row)
    session.flush()


def attachments_of(session: Session, article: KbArticle) -> list[KbAttachment]:
    return list(session.scalars(
        select(KbAttachment).where(KbAttachment.article_id == article.id)
        .order_by(KbAttachment.id)))  # fmt: skip


def public_path(row: KbAttachment) -> str:
    """Where the help centre serves it (a 404 there while its article is not public)."""
    return f"/help/files/{row.id}"
