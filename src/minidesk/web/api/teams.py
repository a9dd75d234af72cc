"""Teams: admins create, rename, change members and delete; everyone reads the teams they may
see (with ``restrict_agents_to_teams``, agents and leads their own). Membership also changes
through ``PATCH /users/{id}`` (``add_team_ids``/``remove_team_ids``); both go through
``desk.users``, so either way the member's screens narrow at once."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from minidesk.automation.rules import rules_naming_team
from minidesk.db import commit
from minidesk.desk import teams, users
from minidesk.desk.access import Permission
from minidesk.desk.models import Team, User
from minidesk.web.api import PREFIX
from minidesk.web.deps import SessionDep, UserDep, WorkspaceDep, WriteSessionDep, requires
from minidesk.web.pagination import Page
from minidesk.web.problems import Problem
from minidesk.web.schemas import RowIdPath, Strict

router = APIRouter(prefix=f"{PREFIX}/teams", tags=["teams"])
Admin = requires(Permission.MANAGE_USERS)
IDS: Any = Field(default_factory=list, max_length=500, description="user ids")


class MemberOut(BaseModel):
    id: int
    name: str


class TeamOut(BaseModel):
    id: int
    name: str
    members: list[MemberOut] = Field(description="active and deactivated, by id")


class TeamIn(Strict):
    name: str = Field(min_length=1, max_length=teams.NAME_MAX)
    member_ids: list[int] = IDS


class TeamPatch(Strict):
    name: str | None = Field(None, min_length=1, max_length=teams.NAME_MAX)
    add_member_ids: list[int] = IDS
    remove_member_ids: list[int] = IDS


def _out(session: Session, team: Team) -> TeamOut:
    people = [MemberOut(id=u.id, name=u.name or u.email) for u in teams.members(session, team)]
    return TeamOut(id=team.id, name=team.name, members=people)


def _users(session: Session, ids: list[int]) -> list[User]:
    found = [session.get(User, user_id) for user_id in dict.fromkeys(ids)]
    missing = [str(i) for i, user in zip(dict.fromkeys(ids), found, strict=True) if user is None]
    if missing:
        raise Problem(422, f"no user {', '.join(missing)}")
    return [user for user in found if user is not None]


def _team(session: Session, team_id: int) -> Team:
    team = session.get(Team, team_id)
    if team is None:
        raise Problem(404, f"team {team_id} does not exist")
    return team


@router.get("", response_model=Page[TeamOut])
def list_teams(session: SessionDep, user: UserDep, workspace: WorkspaceDep) -> Page[TeamOut]:
    """Every team by name, or with `restrict_agents_to_teams` an agent's or lead's own."""
    found = teams.visible_teams(session, user, workspace.restrict_agents_to_teams)
    return Page[TeamOut](items=[_out(session, team) for team in found], next_cursor=None)


@router.post("", status_code=201, response_model=TeamOut)
def create_team(body: TeamIn, session: WriteSessionDep, admin: User = Admin) -> TeamOut:
    actor = users.actor_of(admin)
    people = _users(session, body.member_ids)
    try:
        team = teams.do_create_team(session, body.name, actor)
    except users.UserError as exc:
        raise Problem(409 if isinstance(exc, teams.TeamInUse) else 422, str(exc)) from exc
    for person in people:
        users.do_add_to_team(session, person, team, actor)
    commit(session)
    return _out(session, team)


@router.get("/{team_id}", response_model=TeamOut)
def get_team(
    team_id: RowIdPath, session: SessionDep, user: UserDep, workspace: WorkspaceDep
) -> TeamOut:
    team = teams.access_team(session, user, team_id, workspace.restrict_agents_to_teams)
    return _out(session, team)


@router.patch("/{team_id}", response_model=TeamOut)
def update_team(
    team_id: RowIdPath, body: TeamPatch, session: WriteSessionDep, admin: User = Admin
) -> TeamOut:
    """Rename (refused while a rule's `set_team` names the team) and add or remove members."""
    team, actor = _team(session, team_id), users.actor_of(admin)
    added, removed = _users(session, body.add_member_ids), _users(session, body.remove_member_ids)
    if body.name is not None and body.name.strip() != team.name:
        if rules := rules_naming_team(session, team.name):
            raise Problem(409, f"{', '.join(rules)} name team {team.name!r}; change them first")
        try:
            teams.do_rename_team(session, team, body.name, actor)
        except users.UserError as exc:
            raise Problem(409 if isinstance(exc, teams.TeamInUse) else 422, str(exc)) from exc
    for person in added:
        users.do_add_to_team(session, person, team, actor)
    for person in removed:
        users.do_remove_from_team(session, person, team, actor)
    commit(session)
    return _out(session, team)


@router.delete("/{team_id}", status_code=204)
def delete_team(team_id: RowIdPath, session: WriteSessionDep, admin: User = Admin) -> None:
    """Only a team nothing points at (tickets, channels, views, routing, SLA policies, rules):
    `409` names what still does. Its members leave it first."""
    team = _team(session, team_id)
    try:
        named_by = rules_naming_team(session, team.name)
        teams.do_delete_team(session, team, users.actor_of(admin), named_by)
    except teams.TeamInUse as exc:
        raise Problem(409, str(exc)) from exc
    commit(session)
