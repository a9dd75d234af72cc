"""Attachment downloads: the stored bytes of a file on a message, to an agent who may see its
ticket.

The bytes come from customers, so nothing here may let them run in the desk's origin: the
response is always a download (``Content-Disposition: attachment``), the browser may not
second-guess the type (``nosniff``), a sandbox CSP covers a browser that opens it anyway, and
only types that cannot carry script are named as themselves (HTML, SVG and XML go out as
``application/octet-stream``).
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Response
from sqlalchemy import select

from minidesk.channels import stored_files
from minidesk.desk import access
from minidesk.desk.models import Attachment, Message, Ticket
from minidesk.web.api import PREFIX
from minidesk.web.deps import SessionDep, UserDep, WorkspaceDep
from minidesk.web.problems import Problem
from minidesk.web.schemas import RowIdPath

router = APIRouter(prefix=f"{PREFIX}/attachments", tags=["attachments"])

# Types a browser shows without running anything; text is forced to plain UTF-8 text.
SAFE_TYPES = frozenset(
    {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/csv"}
)
OPAQUE = "application/octet-stream"


def safe_type(declared: str) -> str:
    kind = declared.split(";", maxsplit=1)[0].strip().lower()
    if kind in SAFE_TYPES:
        return kind
    if kind == "text/plain":
        return "text/plain; charset=utf-8"
    return OPAQUE


def disposition(filename: str) -> str:
    """``attachment`` with the name twice: a plain-ASCII fallback (quotes, backslashes and
    control characters dropped, so the header cannot be split or broken) and the exact
    UTF-8 name (RFC 6266)."""
    fallback = "".join(c for c in filename if 32 <= ord(c) < 127 and c not in '"\\') or "file"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


@router.get(
    "/{attachment_id}",
    response_class=Response,
    responses={200: {"content": {OPAQUE: {}}, "description": "the file, as a download"}},
)
def download_attachment(
    attachment_id: RowIdPath, session: SessionDep, user: UserDep, workspace: WorkspaceDep
) -> Response:
    """The file's bytes, if you may see its ticket (404 otherwise, as for a missing one).
    Media a provider hosts (SMS/WhatsApp) has bytes here once fetched (``fetch_status``
    ``stored``); before that, or when refused or failed, it answers 404."""
    attachment = session.scalar(
        select(Attachment)
        .join(Message, Message.id == Attachment.message_id)
        .join(Ticket, Ticket.id == Message.ticket_id)
        .where(
            Attachment.id == attachment_id,
            access.visible_tickets(user, workspace.restrict_agents_to_teams),
        )
    )
    missing = f"attachment {attachment_id} does not exist or is not visible to you"
    if attachment is None:
        raise Problem(404, missing)
    stored = stored_files.read(session, attachment.storage_key)
    if stored is None:
        raise Problem(
            404,
            f"attachment {attachment_id} is not stored by the desk"
            + (
                f" (media the provider hosts: {attachment.fetch_status}"
                + (f", {attachment.fetch_error}" if attachment.fetch_error else "")
                + ")"
                if attachment.fetch_status
                else " (the provider hosts it; see its url)"
                if attachment.url
                else ""
            ),
            slug="attachment-not-stored",
        )
    return Response(
        stored.data,
        media_type=safe_type(attachment.content_type),
        headers={
            "Content-Disposition": disposition(attachment.filename),
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox; default-src 'none'",
            "Cache-Control": "private, no-store",
        },
    )
