"""Files on an article from the workspace's article page (leads and up): upload one, delete
one; the same checks as ``POST /api/v1/kb/articles/{id}/files`` (``kb.files``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from minidesk.db import commit, get_db
from minidesk.desk.access import Permission
from minidesk.desk.users import actor_of
from minidesk.kb import files
from minidesk.kb.articles import ArticleError
from minidesk.kb.models import KbArticle, KbAttachment
from minidesk.web.ui.render import redirect
from minidesk.web.ui.signed_in import BrowserDep, refused

router = APIRouter(include_in_schema=False)


@router.post("/kb/{article_id}/files")
def upload(
    request: Request,
    article_id: int,
    browser: BrowserDep,
    csrf: Annotated[str, Form()],
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    browser.check(csrf)
    if (no := refused(request, browser, Permission.MANAGE_KB)) is not None:
        return no
    here = f"/kb/{article_id}"
    if file is None or not file.filename:
        return redirect(here + "#files", "Choose a file to attach.")
    with get_db().write_sessions() as session:
        article = session.get(KbArticle, article_id)
        if article is None:
            return redirect("/kb", f"No article {article_id}.")
        try:
            checked = files.check_upload(file.filename, file.content_type or "",
                                         file.file.read(files.MAX_BYTES + 1))  # fmt: skip
            row = files.do_attach(session, article, checked, browser.user, actor_of(browser.user))
        except ArticleError as exc:
            return redirect(here + "#files", f"Not attached: {exc.message}")
        commit(session)
        name = row.filename
    return redirect(here + "#files", f"Attached {name}.")


@router.post("/kb/files/{kb_file_id}/delete")
def delete(
    request: Request, kb_file_id: int, browser: BrowserDep, csrf: Annotated[str, Form()]
) -> Response:
    browser.check(csrf)
    if (no := refused(request, browser, Permission.MANAGE_KB)) is not None:
        return no
    with get_db().write_sessions() as session:
        row = session.get(KbAttachment, kb_file_id)
        if row is None:
            return redirect("/kb", f"No file {kb_file_id}.")
        back = f"/kb/{row.article_id}#files"
        files.do_delete_file(session, row, actor_of(browser.user))
        commit(session)
    return redirect(back, "File deleted.")
