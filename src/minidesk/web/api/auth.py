"""Signing in: exchange email and password for an API token (OAuth2 password flow), so the
interactive docs' Authorize button and scripts can start from a login."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from minidesk.db import commit
from minidesk.desk.sign_in import SignInThrottled, access_by_password
from minidesk.desk.users import actor_of, do_create_token
from minidesk.settings import get_settings
from minidesk.web.api import PREFIX
from minidesk.web.deps import WriteSessionDep
from minidesk.web.problems import Problem

router = APIRouter(prefix=f"{PREFIX}/auth", tags=["auth"])
TOKEN_URL = f"{PREFIX}/auth/token"


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"


@router.post(
    "/token",
    response_model=TokenResponse,
    responses={429: {"description": "Too many failed sign-ins; see `Retry-After`."}},
)
def sign_in(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    request: Request,
    session: WriteSessionDep,
) -> TokenResponse:
    """Returns a new API token for the user (revocable like any other). Failed attempts are
    limited per account and per client address (`MINIDESK_SIGN_IN_*`); over a limit the answer
    is `429` with `Retry-After`, whether or not the password is right."""
    # Behind a reverse proxy this is the client only if uvicorn trusts the proxy's
    # X-Forwarded-For (FORWARDED_ALLOW_IPS, 127.0.0.1 by default); otherwise every sign-in
    # counts against the proxy's address.
    ip = request.client.host if request.client else "unknown"
    try:
        user = access_by_password(session, get_settings(), form.username, form.password, ip)
    except SignInThrottled as exc:
        raise Problem(
            429,
            exc.detail,
            slug="sign-in-throttled",
            headers={"Retry-After": str(exc.retry_after)},
            retry_after=exc.retry_after,
        ) from exc
    if user is None:
        commit(session)  # the failure counts
        # Unknown email and wrong password answer alike, so the endpoint reveals no accounts.
        raise Problem(
            401,
            "email or password is wrong, or the user is deactivated",
            slug="invalid-credentials",
        )
    _, secret = do_create_token(session, user, actor_of(user), "login")
    commit(session)
    return TokenResponse(access_token=secret)
