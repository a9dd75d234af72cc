"""The agent workspace's session cookie: HttpOnly (scripts never see the secret), SameSite=Lax
(other sites' forms do not carry it), Secure whenever the desk is reached over HTTPS."""

from __future__ import annotations

from fastapi import Request, Response

from minidesk.settings import get_settings

SESSION_COOKIE = "minidesk_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf"


def session_secret(request: Request) -> str | None:
    value = request.cookies.get(SESSION_COOKIE, "").strip()
    return value or None


def _secure(request: Request) -> bool:
    # Behind a TLS-terminating proxy uvicorn's proxy headers make the scheme https; the public
    # URL covers proxies it does not trust.
    return request.url.scheme == "https" or get_settings().public_url.startswith("https:")


def set_session(response: Response, request: Request, secret: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        max_age=get_settings().session_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        path="/",
    )


def clear_session(response: Response, request: Request) -> None:
    response.delete_cookie(
        SESSION_COOKIE, httponly=True, samesite="lax", secure=_secure(request), path="/"
    )
