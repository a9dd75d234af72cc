"""Which pages may call the help widget's public endpoints from the browser.

A browser sends ``Origin`` on every cross-site ``fetch``. A site the knowledge base allows
(``PUT /api/v1/kb/widget``), or one an enabled chat widget allows (so the chat widget's article
suggestions need no second list), is answered with CORS headers naming it; any other site gets
``403 origin-not-allowed`` and, lacking the header, its script could not read an answer anyway.
A request without ``Origin`` (a server, curl) or from the desk's own pages is answered as
before: what these endpoints return is public.
"""

from __future__ import annotations

from fastapi import Request, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.channels.models import Channel
from minidesk.kb.widget import allowed_origins
from minidesk.web.problems import Problem

CHAT = "chat"
# Preflight answers may be cached this long by the browser (seconds).
PREFLIGHT_MAX_AGE = "600"


def _chat_origins(session: Session) -> set[str]:
    origins: set[str] = set()
    for settings in session.scalars(
        select(Channel.settings).where(Channel.kind == CHAT, Channel.enabled.is_(True))
    ):
        origins.update(str(o) for o in (settings or {}).get("allowed_origins", []))
    return origins


def own_origin(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}".lower()


def check_widget_origin(request: Request, session: Session, response: Response) -> None:
    """Refuse a page of a site nobody allowed; let an allowed one read the answer."""
    origin = request.headers.get("origin")
    response.headers["Vary"] = "Origin"
    if origin is None or origin.lower() == own_origin(request):
        return
    if origin not in set(allowed_origins(session)) | _chat_origins(session):
        raise Problem(
            403,
            f"{origin} may not embed the help widget: add it to the allowed origins "
            "(PUT /api/v1/kb/widget) or to a chat widget's",
            slug="origin-not-allowed",
            headers={"Vary": "Origin"},
        )
    response.headers["Access-Control-Allow-Origin"] = origin


def preflight(request: Request, session: Session) -> Response:
    """The answer to a browser's ``OPTIONS`` before a JSON ``POST`` from an allowed page."""
    response = Response(status_code=204)
    check_widget_origin(request, session, response)
    response.headers["Access-Control-Allow-Methods"] = "POST"
    response.headers["Access-Control-Allow-Headers"] = "Content-Type"
    response.headers["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
    return response
