"""Users, passwords (argon2) and teams. API tokens live in ``minidesk.desk.tokens``."""

from __future__ import annotations

import functools
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.db import utcnow
from minidesk.desk.models import ApiToken, Role, Team, TeamMember, User
from minidesk.desk.tokens import authenticate_token, do_create_token, do_revoke_token
from minidesk.event_kinds import EventKind
from minidesk.events import Actor, ActorType, emit

# Token functions keep their old address here for the callers that create a user's token.
__all__ = [
    "UserError",
    "actor_of",
    "authenticate_token",
    "check_own_change",
    "check_password",
    "do_add_to_team",
    "do_create_token",
    "do_create_user",
    "do_deactivate",
    "do_remove_from_team",
    "do_revoke_token",
    "do_set_role",
    "get_or_create_team",
]

_hasher = PasswordHasher()


class UserError(ValueError):
    pass


def actor_of(user: User) -> Actor:
    return Actor(ActorType.USER, user.id, user.name or user.email)


def do_create_user(
    session: Session,
    email: str,
    role: Role,
    actor: Actor,
    *,
    name: str = "",
    password: str | None = None,
) -> User:
    email = email.strip().lower()
    if "@" not in email:
        raise UserError(f"{email!r} is not an email address")
    if session.scalars(select(User).where(User.email == email)).first() is not None:
        raise UserError(f"a user with email {email} already exists")
    if password is not None and len(password) < 10:
        raise UserError("passwords need at least 10 characters")
    user = User(
        email=email,
        name=name or email.split("@")[0].title(),
        role=role,
        password_hash=_hasher.hash(password) if password else None,
    )
    session.add(user)
    session.flush()
    emit(session, EventKind.USER_CREATED, actor, user_id=user.id, email=email, role=role)
    return user


def check_own_change(admin: User, user: User, role: Role | None, deactivate: bool) -> None:
    """An admin cannot demote or deactivate themself: the desk would be left without the
    one person who could undo it."""
    if user.id == admin.id and (deactivate or (role is not None and role != Role.ADMIN)):
        raise UserError("you cannot demote or deactivate yourself; ask another admin")


def do_set_role(session: Session, user: User, role: Role, actor: Actor) -> None:
    if user.role != role:
        emit(session, EventKind.USER_ROLE_CHANGED, actor, user_id=user.id,
             before=user.role, after=role)  # fmt: skip
        user.role = role


def do_deactivate(session: Session, user: User, actor: Actor) -> None:
    if user.active:
        user.active = False
        for token in session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        ):
            token.revoked_at = utcnow()  # integration tokens too: nobody vouches through them
        emit(session, EventKind.USER_DEACTIVATED, actor, user_id=user.id)


@functools.cache
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(16))


def check_password(user: User | None, password: str) -> bool:
    """Whether ``user`` exists, is active and has this password. Every call verifies exactly
    one argon2 hash (a throwaway one when there is no usable stored hash), so how long it
    takes says nothing about whether an account exists, is deactivated or has a password."""
    usable = user is not None and user.active and bool(user.password_hash)
    stored = user.password_hash if usable and user is not None else None
    try:
        matches = _hasher.verify(stored or _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return False
    return matches and stored is not None


def do_add_to_team(session: Session, user: User, team: Team, actor: Actor) -> None:
    if session.get(TeamMember, (team.id, user.id)) is None:
        session.add(TeamMember(team_id=team.id, user_id=user.id))
        session.expire(user, ["teams"])
        emit(session, EventKind.TEAM_MEMBER_ADDED, actor, user_id=user.id, team_id=team.id)


def do_remove_from_team(session: Session, user: User, team: Team, actor: Actor) -> None:
    """With team restriction on, the user stops seeing the team's tickets at once (the
    visibility rule reads membership on every query)."""
    member = session.get(TeamMember, (team.id, user.id))
    if member is not None:
        session.delete(member)
        session.flush()
        session.expire(user, ["teams"])
        emit(session, EventKind.TEAM_MEMBER_REMOVED, actor, user_id=user.id, team_id=team.id)


def get_or_create_team(session: Session, name: str, actor: Actor) -> Team:
    team = session.scalars(select(Team).where(Team.name == name)).first()
    if team is None:
        team = Team(name=name)
        session.add(team)
        session.flush()
        emit(session, EventKind.TEAM_CREATED, actor, team_id=team.id, name=name)
    return team
