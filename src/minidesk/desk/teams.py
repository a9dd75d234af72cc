"""Teams: which an agent may see, creating (a name taken is refused), renaming, deleting, and
the teams a ticket may move to. Membership, and the seeding ``get_or_create_team`` the admin
page also uses, live in ``desk.users``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from minidesk.db import Base
from minidesk.desk import access
from minidesk.desk.changes import UnknownReference
from minidesk.desk.models import Team, TeamMember, Ticket, User
from minidesk.desk.users import UserError, do_remove_from_team
from minidesk.event_kinds import EventKind
from minidesk.events import Actor, emit

NAME_MAX = 100


class TeamInUse(UserError):
    """The team is still named or pointed at by something that would break without it."""


def visible_teams(session: Session, user: User, restrict_to_teams: bool) -> list[Team]:
    """Every team, or, when ``user`` is restricted to their teams' tickets, their own: a
    restricted agent learns nothing of the others, not even their names."""
    query = select(Team).order_by(Team.name, Team.id)
    if access.restricted(user, restrict_to_teams):
        query = query.join(TeamMember, TeamMember.team_id == Team.id).where(
            TeamMember.user_id == user.id
        )
    return list(session.scalars(query))


def access_team(session: Session, user: User, team_id: int, restrict_to_teams: bool) -> Team:
    """The team, if it exists and ``user`` may see it; a hidden one reads as a missing one."""
    team = session.get(Team, team_id)
    if team is not None and access.restricted(user, restrict_to_teams):
        member = session.get(TeamMember, (team_id, user.id))
        team = team if member is not None else None
    if team is None:
        raise access.NotFound(f"team {team_id} does not exist or is not visible to you")
    return team


def check_ticket_team(
    session: Session, user: User, ticket: Ticket, team_id: int | None, restrict_to_teams: bool
) -> None:
    """A ticket may move to any team its mover may see: a restricted agent or lead to one of
    their own teams only. Another team is, to them, a team that does not exist: refused word
    for word as a missing one (``changes.do_change_ticket``'s), so ids reveal nothing."""
    if team_id is None or team_id == ticket.team_id:
        return
    if not access.restricted(user, restrict_to_teams):
        return
    if session.get(TeamMember, (team_id, user.id)) is None:
        raise UnknownReference(f"no team {team_id}")


def members(session: Session, team: Team) -> list[User]:
    query = (
        select(User)
        .join(TeamMember, TeamMember.user_id == User.id)
        .where(TeamMember.team_id == team.id)
        .order_by(User.id)
    )
    return list(session.scalars(query))


def check_name(session: Session, name: str, team: Team | None = None) -> str:
    name = name.strip()
    if not name or len(name) > NAME_MAX:
        raise UserError(f"a team needs a name of 1-{NAME_MAX} characters")
    taken = session.scalars(select(Team).where(Team.name == name)).first()
    if taken is not None and taken is not team:
        raise TeamInUse(f"a team named {name!r} already exists")
    return name


def do_create_team(session: Session, name: str, actor: Actor) -> Team:
    team = Team(name=check_name(session, name))
    session.add(team)
    session.flush()
    emit(session, EventKind.TEAM_CREATED, actor, team_id=team.id, name=team.name)
    return team


def do_rename_team(session: Session, team: Team, name: str, actor: Actor) -> None:
    name = check_name(session, name, team)
    if name == team.name:
        return
    emit(session, EventKind.TEAM_UPDATED, actor, team_id=team.id, before=team.name, after=name)
    team.name = name


def do_delete_team(
    session: Session, team: Team, actor: Actor, named_by: list[str] | None = None
) -> None:
    """Delete a team nothing points at any more (``named_by``: what else names it, such as
    rules, found by the caller); its members leave it first, each with an event, so their
    screens narrow at once as for any membership change."""
    if uses := in_use(session, team) + (named_by or []):
        raise TeamInUse(f"team {team.name!r} is still in use: {'; '.join(uses)}")
    for user in members(session, team):
        do_remove_from_team(session, user, team, actor)
    emit(session, EventKind.TEAM_DELETED, actor, team_id=team.id, name=team.name)
    session.delete(team)
    session.flush()


def in_use(session: Session, team: Team) -> list[str]:
    """What still refers to ``team``, found from the schema itself (every foreign key to
    ``teams`` that does not clear itself), so a feature's new table is counted unasked."""
    found = []
    for table in Base.metadata.sorted_tables:
        if table.name == TeamMember.__tablename__:
            continue
        for key in table.foreign_keys:
            if key.column.table.name != Team.__tablename__ or key.ondelete:
                continue
            column: Any = key.parent
            count = session.scalar(select(func.count()).select_from(table).where(column == team.id))
            if count:
                found.append(f"{count} row(s) of {table.name}")
    return found
