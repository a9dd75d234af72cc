"""Your own API tokens: list them, revoke one, or rotate the one you are using."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select

from minidesk.db import commit
from minidesk.desk.models import ApiToken
from minidesk.desk.tokens import TokenError, do_revoke_token, do_rotate_token, tokens_of
from minidesk.desk.users import actor_of
from minidesk.web.api import PREFIX
from minidesk.web.deps import CallerDep, SessionDep, UserDep, WriteSessionDep
from minidesk.web.pagination import Page
from minidesk.web.problems import Problem
from minidesk.web.schemas import RowIdPath, TokenCreated, TokenOut

router = APIRouter(prefix=f"{PREFIX}/auth", tags=["auth"])


@router.get("/tokens", response_model=Page[TokenOut])
def list_own_tokens(session: SessionDep, caller: CallerDep) -> Page[TokenOut]:
    """Your tokens, revoked and expired ones included, oldest first."""
    rows = tokens_of(session, caller.user_id)
    return Page[TokenOut](items=[TokenOut.model_validate(t) for t in rows], next_cursor=None)


@router.post("/token/rotate", status_code=201, response_model=TokenCreated)
def rotate_token(session: WriteSessionDep, caller: CallerDep, user: UserDep) -> TokenCreated:
    """Replace the token this request was made with: the answer carries its successor (same
    name, kind and lifetime, shown once) and the old token stops working in the same
    transaction. Rotate before a token expires; an expired one can only be replaced by
    signing in (or by an admin)."""
    token = session.get_one(ApiToken, caller.token_id)
    try:
        successor, secret = do_rotate_token(session, token, actor_of(user))
    except TokenError as exc:
        raise Problem(409, str(exc), slug="token-revoked") from exc
    commit(session)
    return TokenCreated(token=secret, **TokenOut.model_validate(successor).model_dump())


@router.delete("/tokens/{token_id}", status_code=204)
def revoke_own_token(token_id: RowIdPath, session: WriteSessionDep, user: UserDep) -> None:
    """Revoke one of your tokens (the one you are using, too)."""
    token = session.scalars(
        select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id)
    ).first()
    if token is None:  # someone else's token is not yours to see or revoke
        raise Problem(404, f"you have no token {token_id}")
    do_revoke_token(session, token, actor_of(user))
    commit(session)
