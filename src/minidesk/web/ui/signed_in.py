"""Who a workspace page is for: the session cookie's user, or a redirect to sign in; and
what their role lets them do there, or the forbidden page that says why not."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from sqlalchemy.orm import Session

from minidesk.db import get_db
from minidesk.desk import access
from minidesk.desk.access import Permission
from minidesk.desk.browser import check_csrf, csrf_token
from minidesk.desk.models import TokenKind, User
from minidesk.desk.tokens import TokenRejected
from minidesk.web import cookies, tokens
from minidesk.web.tokens import Caller
from minidesk.web.ui.render import page


class SignInRequired(Exception):
    """Answered with a redirect to the sign-in page, back to ``next`` afterwards."""

    def __init__(self, next_path: str) -> None:
        self.next_path = next_path


class BadCsrf(Exception):
    pass


@dataclass(frozen=True)
class Browser:
    """A signed-in browser: its user, its caller (token id, role) and the form CSRF token."""

    user: User
    caller: Caller
    secret: str

    @property
    def csrf(self) -> str:
        return csrf_token(self.secret)

    def check(self, presented: str | None) -> None:
        if not check_csrf(self.secret, presented):
            raise BadCsrf


def _next(request: Request) -> str:
    path = request.url.path
    return path + (f"?{request.url.query}" if request.url.query else "")


async def signed_in(request: Request) -> Browser:
    secret = cookies.session_secret(request)
    if secret is None:
        raise SignInRequired(_next(request))
    try:
        caller = tokens.cached(secret)
        if caller is None:
            caller = await run_in_threadpool(tokens.lookup, secret)
    except TokenRejected:
        raise SignInRequired(_next(request)) from None
    if caller.kind != TokenKind.SESSION:
        raise SignInRequired(_next(request))
    user = await run_in_threadpool(_user, caller.user_id)
    if user is None:
        raise SignInRequired(_next(request))
    return Browser(user, caller, secret)


def _user(user_id: int) -> User | None:
    with get_db().sessions() as session:
        user = session.get(User, user_id)
        if user is None or not user.active:
            return None
        session.expunge(user)
        return user


BrowserDep = Annotated[Browser, Depends(signed_in)]


def sign_in_url(next_path: str) -> str:
    return "/?next=" + quote(next_path, safe="/")


def safe_next(value: str | None) -> str:
    """Where to go after signing in: a path on this site only (never ``//evil`` or a URL)."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/inbox"


def forbidden(request: Request, browser: Browser, why: str) -> Response:
    """The 403 page, saying ``why``, with the nav the user may still use."""
    return page(request, "forbidden.html", {"browser": browser, "why": why}, 403)


def refused(request: Request, browser: Browser, permission: Permission) -> Response | None:
    """The 403 page if ``browser``'s user lacks ``permission``, else None. ``signed_in`` read
    the user's row on this request, so a role changed a moment ago counts."""
    try:
        access.require(browser.user, permission)
    except access.Forbidden as exc:
        return forbidden(request, browser, exc.detail)
    return None


def permitted(
    session: Session, request: Request, browser: Browser, permission: Permission
) -> User | Response:
    """The signed-in user as a row of ``session`` (to act as, and to check more against) if
    they have ``permission``, else the 403 page."""
    no = refused(request, browser, permission)
    return no if no is not None else session.get_one(User, browser.user.id)
