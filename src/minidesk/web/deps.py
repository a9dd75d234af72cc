"""Request dependencies: a database session, the authenticated user, the workspace."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, Any

from fastapi import Depends
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer, OAuth2PasswordBearer
from sqlalchemy.orm import Session

from minidesk.db import discard, get_db
from minidesk.desk.access import Permission, require
from minidesk.desk.models import User
from minidesk.desk.tokens import Rejection, TokenRejected
from minidesk.desk.workspace import Workspace, get_workspace
from minidesk.web import tokens
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


async def current_caller(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    _login: Annotated[str | None, Depends(_password)],
) -> Caller:
    """Who the token acts for. Async, so a cached answer costs no trip to a worker thread;
    a miss checks the database in one (see ``minidesk.web.tokens`` for how stale it may be)."""
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise Problem(
            401, "send an API token as 'Authorization: Bearer <token>'", slug="unauthenticated"
        )
    secret = credentials.credentials.strip()
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
