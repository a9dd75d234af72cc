"""Users, teams and API tokens. Admin only, except reading yourself."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter
from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.db import commit
from minidesk.desk import users
from minidesk.desk.access import Permission
from minidesk.desk.models import ApiToken, Role, Team, User
from minidesk.desk.tokens import DEFAULT, Lifetime, TokenError
from minidesk.web.api import PREFIX
from minidesk.web.deps import SessionDep, UserDep, WriteSessionDep, requires
from minidesk.web.pagination import Page
from minidesk.web.problems import Problem
from minidesk.web.schemas import TokenCreated, TokenIn, TokenOut, UserIn, UserOut, UserPatch

router = APIRouter(prefix=f"{PREFIX}/users", tags=["users"])
Admin = requires(Permission.MANAGE_USERS)


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise Problem(404, f"user {user_id} does not exist")
    return user


def _team(session: Session, team_id: int) -> Team:
    team = session.get(Team, team_id)
    if team is None:
        raise Problem(422, f"team {team_id} does not exist")
    return team


@router.get("/me", response_model=UserOut)
def me(user: UserDep) -> User:
    return user


@router.get("", response_model=Page[UserOut], dependencies=[Admin])
def list_users(session: SessionDep) -> Page[UserOut]:
    rows = session.scalars(select(User).order_by(User.id))
    return Page[UserOut](items=[UserOut.model_validate(u) for u in rows], next_cursor=None)


@router.post("", status_code=201, response_model=UserOut)
def create_user(body: UserIn, session: WriteSessionDep, admin: User = Admin) -> User:
    actor = users.actor_of(admin)
    try:
        user = users.do_create_user(
            session, body.email, Role(body.role), actor, name=body.name, password=body.password
        )
    except users.UserError as exc:
        raise Problem(409 if "exists" in str(exc) else 422, str(exc)) from exc
    for team_id in body.team_ids:
        users.do_add_to_team(session, user, _team(session, team_id), actor)
    commit(session)
    return user


@router.patch("/{user_id}", response_model=UserOut)
def update_user(
    user_id: int, body: UserPatch, session: WriteSessionDep, admin: User = Admin
) -> User:
    user = _user(session, user_id)
    actor = users.actor_of(admin)
    try:
        users.check_own_change(admin, user, body.role, deactivate=body.active is False)
    except users.UserError as exc:
        raise Problem(409, str(exc)) from exc
    if body.role is not None:
        users.do_set_role(session, user, body.role, actor)
    if body.active is False:
        users.do_deactivate(session, user, actor)
    for team_id in body.add_team_ids:
        users.do_add_to_team(session, user, _team(session, team_id), actor)
    for team_id in body.remove_team_ids:
        users.do_remove_from_team(session, user, _team(session, team_id), actor)
    commit(session)
    return user


@router.get("/{user_id}/tokens", response_model=Page[TokenOut], dependencies=[Admin])
def list_tokens(user_id: int, session: SessionDep) -> Page[TokenOut]:
    rows = session.scalars(
        select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id)
    )
    return Page[TokenOut](items=[TokenOut.model_validate(t) for t in rows], next_cursor=None)


@router.post("/{user_id}/tokens", status_code=201, response_model=TokenCreated)
def create_token(
    user_id: int, body: TokenIn, session: WriteSessionDep, admin: User = Admin
) -> TokenCreated:
    user = _user(session, user_id)
    lifetime: Lifetime = DEFAULT
    if body.expires_in_days is not None:
        lifetime = dt.timedelta(days=body.expires_in_days)
    try:
        token, secret = users.do_create_token(
            session, user, users.actor_of(admin), body.name, lifetime=lifetime
        )
    except TokenError as exc:
        raise Problem(409, str(exc)) from exc
    commit(session)
    return TokenCreated(token=secret, **TokenOut.model_validate(token).model_dump())


@router.delete("/{user_id}/tokens/{token_id}", status_code=204)
def revoke_token(
    user_id: int, token_id: int, session: WriteSessionDep, admin: User = Admin
) -> None:
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user_id:
        raise Problem(404, f"user {user_id} has no token {token_id}")
    users.do_revoke_token(session, token, users.actor_of(admin))
    commit(session)
