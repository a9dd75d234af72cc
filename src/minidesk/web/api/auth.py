"""Signing in: exchange email and password for an API token (OAuth2 password flow), so the
interactive docs' Authorize button and scripts can start from a login."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel
from sqlalchemy import select

from minidesk.db import commit
from minidesk.desk.models import User
from minidesk.desk.users import actor_of, check_password, do_create_token
from minidesk.web.api import PREFIX
from minidesk.web.deps import WriteSessionDep
from minidesk.web.problems import Problem

router = APIRouter(prefix=f"{PREFIX}/auth", tags=["auth"])
TOKEN_URL = f"{PREFIX}/auth/token"


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"


@router.post("/token", response_model=TokenResponse)
def sign_in(
    form: Annotated[OAuth2PasswordRequestForm, Depends()], session: WriteSessionDep
) -> TokenResponse:
    """Returns a new API token for the user (revocable like any other)."""
    user = session.scalars(select(User).where(User.email == form.username.strip().lower())).first()
    # Unknown email and wrong password answer alike, so the endpoint reveals no accounts.
    if user is None or not check_password(user, form.password):
        raise Problem(
            401,
            "email or password is wrong, or the user is deactivated",
            slug="invalid-credentials",
        )
    _, secret = do_create_token(session, user, actor_of(user), "login")
    commit(session)
    return TokenResponse(access_token=secret)
