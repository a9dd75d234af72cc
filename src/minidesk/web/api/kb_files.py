"""Files attached to articles: leads and up upload and delete them, agents read any, and the
help centre serves a public, published article's files to anyone (``/help/files/{id}``);
an internal or draft article's files are a 404 there, as a missing one.

The bytes were checked on upload (``kb.files``: allowed types whose bytes match); on the way
out the browser may not second-guess the type (``nosniff``), a sandbox CSP covers anything
opened directly, and only pictures and PDFs are shown in place (the rest download).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, File, Response, UploadFile
from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session, undefer

from minidesk.db import commit
from minidesk.desk.access import Permission
from minidesk.desk.models import User
from minidesk.desk.users import actor_of
from minidesk.kb import files
from minidesk.kb.articles import ArticleError
from minidesk.kb.models import KbAttachment
from minidesk.kb.reading import access_article, is_public
from minidesk.web.api import PREFIX
from minidesk.web.api.attachments import disposition
from minidesk.web.api.kb import invalid
from minidesk.web.deps import SessionDep, UserDep, WriteSessionDep, requires
from minidesk.web.pagination import Page
from minidesk.web.problems import Problem
from minidesk.web.schemas import RowIdPath

router = APIRouter(prefix=f"{PREFIX}/kb", tags=["knowledge base"])
public_router = APIRouter(include_in_schema=False)
WriterDep = Annotated[User, requires(Permission.MANAGE_KB)]
# A file of an article made internal must stop being served soon: caches keep it a minute.
PUBLIC_CACHE = "public, max-age=60"


class FileOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    article_id: int
    filename: str
    content_type: str
    size: int
    created_at: dt.datetime
    url: str = ""  # where the help centre serves it (while the article is public)
    markdown: str = ""  # what to paste into the article


def _out(row: KbAttachment) -> FileOut:
    out = FileOut.model_validate(row)
    out.url = files.public_path(row)
    bang = "!" if row.content_type.startswith("image/") else ""
    out.markdown = f"{bang}[{row.filename}]({out.url})"
    return out


def _file(session: Session, file_id: int) -> KbAttachment:
    row = session.get(KbAttachment, file_id, options=[undefer(KbAttachment.data)])
    if row is None:
        raise Problem(404, f"file {file_id} does not exist or is not visible to you")
    return row


def serve(row: KbAttachment, cache: str) -> Response:
    kind = row.content_type
    shown = kind in files.SHOWN_IN_PLACE
    how = disposition(row.filename)
    return Response(
        row.data,
        media_type=kind if shown else f"{kind}; charset=utf-8",
        headers={
            "Content-Disposition": how.replace("attachment;", "inline;", 1) if shown else how,
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox; default-src 'none'",
            "Cache-Control": cache,
        },
    )


@router.get("/articles/{article_id}/files", response_model=Page[FileOut])
def list_files(article_id: RowIdPath, session: SessionDep, user: UserDep) -> Page[FileOut]:
    article = access_article(session, article_id, staff=True)
    return Page[FileOut](items=[_out(r) for r in files.attachments_of(session, article)],
                         next_cursor=None)  # fmt: skip


@router.post("/articles/{article_id}/files", status_code=201, response_model=FileOut)
def upload_file(
    article_id: RowIdPath,
    file: Annotated[UploadFile, File()],
    session: WriteSessionDep,
    user: WriterDep,
) -> FileOut:
    """Attach a file (multipart field ``file``): PNG, JPEG, GIF, WebP, PDF, plain text or CSV,
    at most 2 MiB, its bytes matching its type. Link it from the body with ``markdown``."""
    article = access_article(session, article_id, staff=True)
    try:
        upload = files.check_upload(file.filename or "", file.content_type or "",
                                    file.file.read(files.MAX_BYTES + 1))  # fmt: skip
        row = files.do_attach(session, article, upload, user, actor_of(user))
    except ArticleError as exc:
        raise invalid(exc) from exc
    commit(session)
    return _out(row)


@router.get(
    "/files/{kb_file_id}",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}, "description": "the file"}},
)
def download_file(kb_file_id: RowIdPath, session: SessionDep, user: UserDep) -> Response:
    """Any article's file, internal ones included (agents)."""
    return serve(_file(session, kb_file_id), "private, no-store")


@router.delete("/files/{kb_file_id}", status_code=204)
def delete_file(kb_file_id: RowIdPath, session: WriteSessionDep, user: WriterDep) -> Response:
    files.do_delete_file(session, _file(session, kb_file_id), actor_of(user))
    commit(session)
    return Response(status_code=204)


@public_router.get("/help/files/{kb_file_id}", response_class=Response)
def public_file(kb_file_id: RowIdPath, session: SessionDep) -> Response:
    """A public, published article's file, to anyone (a 404 for any other)."""
    row = _file(session, kb_file_id)
    article = access_article(session, row.article_id, staff=True)
    if not is_public(article):
        raise Problem(404, f"file {kb_file_id} does not exist or is not visible to you")
    return serve(row, PUBLIC_CACHE)
