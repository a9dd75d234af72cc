"""Integration credentials (admin): the API clients whose word on a customer's identity counts.

An integration is a named client of the in-app/API channel (the shop's app, a chat backend)
holding a token of kind ``integration``. Its inbound messages arrive with a verified sender,
so the bot may act on that customer's orders; its external ids and thread keys are its own.
Every token of one name is the same client, so rotating one keeps its conversations.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter

from minidesk.db import commit
from minidesk.desk.access import Permission
from minidesk.desk.models import ApiToken, TokenKind, User
from minidesk.desk.tokens import TokenError, do_create_token, do_revoke_token, integration_tokens
from minidesk.desk.users import actor_of
from minidesk.web.api import PREFIX
from minidesk.web.deps import SessionDep, WriteSessionDep, requires
from minidesk.web.pagination import Page
from minidesk.web.problems import Problem
from minidesk.web.schemas import IntegrationIn, RowIdPath, TokenCreated, TokenOut

router = APIRouter(prefix=f"{PREFIX}/integrations", tags=["integrations"])
Admin = requires(Permission.MANAGE_CHANNELS)


@router.post("", status_code=201, response_model=TokenCreated)
def create_integration_token(
    body: IntegrationIn, session: WriteSessionDep, admin: User = Admin
) -> TokenCreated:
    """A token for the API client ``name``, acting as ``user_id`` (a service user); shown
    once. Another token of a name that exists is the same client (for a rotation by hand)."""
    user = session.get(User, body.user_id)
    if user is None:
        raise Problem(422, f"user {body.user_id} does not exist")
    lifetime = dt.timedelta(days=body.expires_in_days) if body.expires_in_days else None
    try:
        token, secret = do_create_token(
            session, user, actor_of(admin), integration=body.name, lifetime=lifetime
        )
    except TokenError as exc:
        raise Problem(422, str(exc)) from exc
    commit(session)
    return TokenCreated(token=secret, **TokenOut.model_validate(token).model_dump())


@router.get("", response_model=Page[TokenOut], dependencies=[Admin])
def list_integration_tokens(session: SessionDep) -> Page[TokenOut]:
    """Every integration token, revoked ones included, oldest first."""
    rows = integration_tokens(session)
    return Page[TokenOut](items=[TokenOut.model_validate(t) for t in rows], next_cursor=None)


@router.delete("/{token_id}", status_code=204)
def revoke_integration_token(
    token_id: RowIdPath, session: WriteSessionDep, admin: User = Admin
) -> None:
    """Revoke an integration token: its messages are refused from now on (within 5 s in
    other web processes, see the API section of the README)."""
    token = session.get(ApiToken, token_id)
    if token is None or token.kind != TokenKind.INTEGRATION:
        raise Problem(404, f"no integration token {token_id}")
    do_revoke_token(session, token, actor_of(admin))
    commit(session)
