"""Signing in and out of the workspace.

The sign-in form has no session yet, so it carries a double-submit token (a cookie and a
field that must match); signing out, like every other form, carries the session's CSRF token.
"""

from __future__ import annotations

import secrets
import time
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from minidesk.db import commit, get_db
from minidesk.desk.browser import (
    do_open_session,
    do_sign_out_everywhere,
    pending_sign_in,
    read_pending_sign_in,
)
from minidesk.desk.models import ApiToken, User
from minidesk.desk.sign_in import SignInThrottled, access_by_code, access_by_password
from minidesk.desk.tokens import TokenRejected, do_revoke_token
from minidesk.desk.users import actor_of
from minidesk.settings import get_settings
from minidesk.web import cookies, tokens
from minidesk.web.ui.render import page
from minidesk.web.ui.signed_in import BrowserDep, safe_next

router = APIRouter(include_in_schema=False)
SIGN_IN_COOKIE = "minidesk_sign_in"  # the sign-in form's double-submit CSRF value


@router.get("/", response_class=HTMLResponse)
def front_page(request: Request, next: str | None = None) -> Response:
    """The sign-in form; a signed-in browser goes straight to its inbox."""
    if _live_session(cookies.session_secret(request)):
        return RedirectResponse(safe_next(next), status_code=303)
    return _sign_in_form(request, safe_next(next))


def _live_session(secret: str | None) -> bool:
    try:
        return secret is not None and (tokens.cached(secret) or tokens.lookup(secret)) is not None
    except TokenRejected:
        return False


def _sign_in_form(
    request: Request, next_path: str, error: str = "", email: str = "", status_code: int = 200
) -> Response:
    token = secrets.token_urlsafe(24)
    response = page(
        request,
        "sign_in.html",
        {"next": next_path, "error": error, "email": email, "csrf": token},
        status_code,
    )
    response.set_cookie(SIGN_IN_COOKIE, token, httponly=True, samesite="strict", path="/")
    return response


@router.post("/sign-in", response_class=HTMLResponse)
def sign_in(
    request: Request,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=1024)],
    csrf: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/inbox",
) -> Response:
    target = safe_next(next)
    binding = request.cookies.get(SIGN_IN_COOKIE, "")
    if not binding or not secrets.compare_digest(binding, csrf):
        return _sign_in_form(request, target, "The form expired; please sign in again.", email, 403)
    with get_db().write_sessions() as session:
        try:
            user = access_by_password(session, get_settings(), email, password, _ip(request))
        except SignInThrottled as exc:
            return _throttled(request, target, email, exc)
        if user is None:
            commit(session)  # the failure counts towards the limits
            return _sign_in_form(request, target, "Email or password is wrong.", email, 401)
        if user.two_factor:
            commit(session)
            pending = pending_sign_in(user.id, binding, time.time())
            return _code_form(request, target, pending, binding)
        return _signed_in(request, session, user, target)


@router.post("/sign-in/code", response_class=HTMLResponse)
def sign_in_code(
    request: Request,
    code: Annotated[str, Form(max_length=20)],
    pending: Annotated[str, Form(max_length=200)],
    csrf: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/inbox",
) -> Response:
    """The second step: the code from the user's authenticator app."""
    target = safe_next(next)
    binding = request.cookies.get(SIGN_IN_COOKIE, "")
    user_id = read_pending_sign_in(pending, binding, time.time()) if binding else None
    if user_id is None or not secrets.compare_digest(binding, csrf):
        return _sign_in_form(request, target, "The sign-in expired; please start again.", "", 403)
    with get_db().write_sessions() as session:
        user = session.get(User, user_id)
        if user is None or not user.active:
            return _sign_in_form(request, target, "The sign-in expired; please start again.")
        try:
            right = access_by_code(session, get_settings(), user, code, _ip(request))
        except SignInThrottled as exc:
            return _throttled(request, target, user.email, exc)
        if not right:
            commit(session)  # counted with the password failures
            return _code_form(request, target, pending, binding, "That code is not right.", 401)
        return _signed_in(request, session, user, target)


def _ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _throttled(request: Request, target: str, email: str, exc: SignInThrottled) -> Response:
    response = _sign_in_form(
        request,
        target,
        f"Too many failed sign-ins. Try again in {exc.retry_after} seconds.",
        email,
        429,
    )
    response.headers["Retry-After"] = str(exc.retry_after)
    return response


def _code_form(
    request: Request, target: str, pending: str, binding: str, error: str = "", status: int = 200
) -> Response:
    return page(
        request,
        "sign_in_code.html",
        {"next": target, "pending": pending, "csrf": binding, "error": error},
        status,
    )


def _signed_in(request: Request, session: Session, user: User, target: str) -> Response:
    agent = request.headers.get("user-agent", "browser")
    secret = do_open_session(session, user, actor_of(user), agent)
    commit(session)
    response = RedirectResponse(target, status_code=303)
    cookies.set_session(response, request, secret)
    response.delete_cookie(SIGN_IN_COOKIE, path="/")
    return response


@router.post("/sign-out")
def sign_out(
    request: Request, browser: BrowserDep, csrf: Annotated[str, Form(max_length=100)] = ""
) -> Response:
    browser.check(csrf)
    with get_db().write_sessions() as session:
        token = session.get(ApiToken, browser.caller.token_id)
        if token is not None:
            do_revoke_token(session, token, actor_of(browser.user))
        commit(session)
    response = RedirectResponse("/", status_code=303)
    cookies.clear_session(response, request)
    return response


@router.post("/sign-out-everywhere")
def sign_out_everywhere(
    request: Request, browser: BrowserDep, csrf: Annotated[str, Form(max_length=100)] = ""
) -> Response:
    """End every browser session of this user, on every device."""
    browser.check(csrf)
    with get_db().write_sessions() as session:
        do_sign_out_everywhere(session, browser.user.id, actor_of(browser.user))
        commit(session)
    response = RedirectResponse("/", status_code=303)
    cookies.clear_session(response, request)
    return response
