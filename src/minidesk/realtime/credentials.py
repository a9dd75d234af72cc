"""Where a stream socket's API token comes from, in this order: the ``Authorization``
header (scripts, servers); a ``minidesk.bearer.<token>`` subprotocol offered beside
``minidesk.v1`` (browsers cannot set headers on a WebSocket); the workspace's session cookie,
only on a handshake whose ``Origin`` is the desk itself, so another site's page cannot ride a
signed-in agent's cookie. (A first ``auth`` message is the connection's own, ``connection``.)
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from starlette.websockets import WebSocket

from minidesk.settings import get_settings
from minidesk.web.cookies import SESSION_COOKIE

PROTOCOL = "minidesk.v1"
BEARER_PROTOCOL = "minidesk.bearer."


def from_handshake(websocket: WebSocket) -> str | None:
    """The token the upgrade request carries, if any, from the first source that has one."""
    return next((s for source in SOURCES if (s := source(websocket))), None)


def _from_header(websocket: WebSocket) -> str | None:
    scheme, _, secret = websocket.headers.get("authorization", "").partition(" ")
    return secret.strip() or None if scheme.lower() == "bearer" else None


def _from_subprotocol(websocket: WebSocket) -> str | None:
    offered: list[str] = websocket.scope.get("subprotocols", [])
    found = [p[len(BEARER_PROTOCOL) :] for p in offered if p.startswith(BEARER_PROTOCOL)]
    return found[0] if found else None


def _from_session_cookie(websocket: WebSocket) -> str | None:
    secret = websocket.cookies.get(SESSION_COOKIE, "").strip()
    if not secret:
        return None
    # Browsers send Origin on every WebSocket handshake and scripts cannot forge it: the
    # cookie counts only when the page that opened the socket is one of the desk's own.
    origin = websocket.headers.get("origin")
    return secret if origin is not None and _own_origin(origin, websocket) else None


def _own_origin(origin: str, websocket: WebSocket) -> bool:
    parts = urlsplit(origin)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return False
    if parts.netloc.lower() == websocket.headers.get("host", "").lower():
        return True
    public = urlsplit(get_settings().public_url)
    return (parts.scheme, parts.netloc.lower()) == (public.scheme, public.netloc.lower())


SOURCES: tuple[Callable[[WebSocket], str | None], ...] = (
    _from_header,
    _from_subprotocol,
    _from_session_cookie,
)
