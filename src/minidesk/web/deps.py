"""Request dependencies: a database session, the authenticated user, the workspace."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer, OAuth2PasswordBearer
from sqlalchemy.orm import Session

from minidesk.db import discard, get_db
from minidesk.desk.access import Permission, require
from minidesk.desk.browser import check_csrf
from minidesk.desk.models import TokenKind, User
from minidesk.desk.tokens import Rejection, TokenRejected
from minidesk.desk.workspace import Workspace, get_workspace
from minidesk.web import cookies, tokens
from minidesk.web.problems import Problem
from minidesk.web.tokens import Caller


def _session(write: bool) -> Iterator[Session]:
    database = get_db()
    session = database.write_sessions() if write else database.sessions()
    try:
        yield session
    finally:
        discard(session)  # whatever the handler did not commit never happened
        session.close()


def get_session() -> Iterator[Session]:
    """A read session for one request (authentication, lookups)."""
    yield from _session(write=False)


def get_write_session() -> Iterator[Session]:
    """A session for a handler that changes state; it calls ``db.commit(session)``, which
    then runs the after-commit hooks (job enqueues, event dispatch)."""
    yield from _session(write=True)


SessionDep = Annotated[Session, Depends(get_session)]
WriteSessionDep = Annotated[Session, Depends(get_write_session)]


# Declared so the OpenAPI document (and the docs' Authorize button) knows both ways in: a
# pasted token, or email and password exchanged at the token URL.
_bearer = HTTPBearer(auto_error=False, description="An API token (`minidesk token create`).")
_password = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def bearer_credentials(request: Request) -> HTTPAuthorizationCredentials | None:
    """What ``current_caller``'s bearer scheme reads, for a route that calls it itself."""
    return await _bearer(request)


async def current_caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    _login: Annotated[str | None, Depends(_password)],
) -> Caller:
    """Who the token acts for: the bearer token, else the agent workspace's session cookie.
    Async, so a cached answer costs no trip to a worker thread; a miss checks the database in
    one (see ``minidesk.web.tokens`` for how stale it may be)."""
    bearer = credentials is not None and credentials.scheme.lower() == "bearer"
    if bearer and credentials is not None and credentials.credentials:
        return await _caller(credentials.credentials.strip())
    secret = cookies.session_secret(request)
    if secret is None:
        raise Problem(
            401, "send an API token as 'Authorization: Bearer <token>'", slug="unauthenticated"
        )
    # A browser sends its cookies with any site's request: a change must prove it comes from
    # our own page, which alone can read the session's CSRF token.
    if request.method not in SAFE_METHODS and not check_csrf(
        secret, request.headers.get(cookies.CSRF_HEADER)
    ):
        raise Problem(
            403,
            f"a request signed in by cookie must carry the session's {cookies.CSRF_HEADER} header",
            slug="csrf",
        )
    caller = await _caller(secret)
    if caller.kind != TokenKind.SESSION:
        raise _invalid_token()
    return caller


async def _caller(secret: str) -> Caller:
    try:
        caller = tokens.cached(secret)
        if caller is None:
            caller = await run_in_threadpool(tokens.lookup, secret)
    except TokenRejected as rejected:
        if rejected.reason == Rejection.EXPIRED:
            raise Problem(
                401,
                "the API token has expired; sign in again or rotate it before it expires",
                slug=Rejection.EXPIRED,
            ) from None
        raise _invalid_token() from None
    return caller


CallerDep = Annotated[Caller, Depends(current_caller)]


def current_user(caller: CallerDep) -> User:
    """The caller's user row, for handlers that need more than ``Caller``. It is read in a
    session of its own, closed before the handler runs, so no request ever holds two
    connections from one pool (which starves the pool under load)."""
    with get_db().sessions() as session:
        user = session.get(User, caller.user_id)
    # The row is fresh, so a deactivation elsewhere counts at once even if the token is cached.
    if user is None or not user.active:
        raise _invalid_token()
    return user


def _invalid_token() -> Problem:
    return Problem(
        401,
        "the API token is unknown, revoked, or its user is deactivated",
        slug=Rejection.INVALID,
    )


UserDep = Annotated[User, Depends(current_user)]


def workspace(session: SessionDep) -> Workspace:
    return get_workspace(session)


WorkspaceDep = Annotated[Workspace, Depends(workspace)]


# Every permission gate handed out by ``requires``, so a test can find each gated route.
GATES: dict[Callable[..., User], Permission] = {}


def requires(permission: Permission) -> Any:
    """Dependency factory: the current user, if they hold ``permission``."""

    def check(user: UserDep) -> User:
        require(user, permission)
        return user

    GATES[check] = permission
    return Depends(check)
