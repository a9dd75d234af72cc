"""Routing: agents' skills, capacity and presence, routing settings, and accepting a routed
ticket. Who may do what is ``desk.access.manages_agent`` / ``manages_team``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from minidesk.db import commit, utcnow
from minidesk.desk import access
from minidesk.desk.models import Team, User
from minidesk.desk.users import actor_of
from minidesk.routing import accept, profiles
from minidesk.routing.models import AgentProfile, Presence, RoutingConfig, Strategy
from minidesk.web.api import PREFIX
from minidesk.web.deps import SessionDep, UserDep, WorkspaceDep, WriteSessionDep
from minidesk.web.problems import Problem
from minidesk.web.schemas import Strict

router = APIRouter(prefix=PREFIX, tags=["routing"])


class SkillsIn(Strict):
    languages: list[str] | None = Field(
        None, max_length=50, description='e.g. `["en", "de"]`; empty: any'
    )
    product_lines: list[str] | None = Field(None, max_length=100)
    channels: list[str] | None = Field(None, max_length=20, description="channel kinds; empty: all")
    capacity: dict[str, int] | None = Field(
        None, description="channel kind → tickets at once (others use the defaults)"
    )


class PresenceIn(Strict):
    presence: Presence


class ProfileOut(BaseModel):
    user_id: int
    languages: list[str]
    product_lines: list[str]
    channels: list[str]
    capacity: dict[str, int] = Field(description="effective: the agent's own and the defaults")
    presence: Presence = Field(description="what routing sees now")
    presence_source: str
    load: dict[str, int] = Field(description="new and open tickets held, per channel kind")


class ConfigIn(Strict):
    enabled: bool | None = None
    strategy: Strategy | None = None
    accept_minutes: int | None = Field(None, ge=1, le=profiles.MAX_ACCEPT_MINUTES)
    product_lines: dict[str, str] | None = Field(
        None, description="intent or tag → the product line (skill) it needs"
    )


class ConfigOut(BaseModel):
    team_id: int | None
    enabled: bool
    strategy: Strategy
    accept_minutes: int
    product_lines: dict[str, str]
    inherited: bool = Field(description="true: these are the workspace's settings")


class Accepted(BaseModel):
    accepted: bool


def _agent(session: Session, user_id: int) -> User:
    agent = session.get(User, user_id)
    if agent is None:
        raise Problem(404, f"user {user_id} does not exist")
    return agent


def _may_manage(session: Session, user: User, agent: User) -> None:
    if not access.manages_agent(session, user, agent):
        raise Problem(
            403, f"only admins, managers and {agent.email}'s team leads may change their routing"
        )


def _out(session: Session, profile: AgentProfile) -> ProfileOut:
    kinds = {*profiles.DEFAULT_CAPACITY, *profile.capacity}
    load = profiles.open_load(session, [profile.user_id])
    return ProfileOut(
        user_id=profile.user_id,
        languages=list(profile.languages),
        product_lines=list(profile.product_lines),
        channels=list(profile.channels),
        capacity={kind: profiles.capacity_for(profile, kind) for kind in sorted(kinds)},
        presence=profiles.effective_presence(profile, utcnow()),
        presence_source=profile.presence_source,
        load={channel: n for (_, channel), n in load.items()},
    )


@router.get("/users/{user_id}/routing", response_model=ProfileOut)
def get_profile(user_id: int, session: SessionDep, user: UserDep) -> ProfileOut:
    agent = _agent(session, user_id)
    if agent.id != user.id:
        _may_manage(session, user, agent)
    return _out(session, profiles.profile_of(session, agent.id))


@router.put("/users/{user_id}/routing", response_model=ProfileOut)
def set_profile(
    user_id: int, body: SkillsIn, session: WriteSessionDep, user: UserDep
) -> ProfileOut:
    """Set skills and capacity (fields left out stay as they are)."""
    agent = _agent(session, user_id)
    _may_manage(session, user, agent)
    try:
        profile = profiles.do_set_skills(
            session, agent.id, body.model_dump(exclude_none=True), actor_of(user)
        )
    except profiles.RoutingError as exc:
        raise Problem(422, str(exc), slug="invalid-routing") from exc
    commit(session)
    return _out(session, profile)


def _set_presence(session: Session, user: User, agent: User, presence: Presence) -> ProfileOut:
    if agent.id != user.id:
        _may_manage(session, user, agent)
    if not agent.active:
        raise Problem(409, f"user {agent.email} is deactivated")
    profiles.do_set_presence(session, agent.id, presence, actor_of(user))
    commit(session)
    return _out(session, profiles.profile_of(session, agent.id))


@router.put("/users/{user_id}/presence", response_model=ProfileOut)
def set_presence(
    user_id: int, body: PresenceIn, session: WriteSessionDep, user: UserDep
) -> ProfileOut:
    return _set_presence(session, user, _agent(session, user_id), body.presence)


@router.put("/me/presence", response_model=ProfileOut)
def set_my_presence(body: PresenceIn, session: WriteSessionDep, user: UserDep) -> ProfileOut:
    """Online (routing offers you tickets), away or offline (it does not)."""
    return _set_presence(session, user, _agent(session, user.id), body.presence)


@router.get("/me/presence", response_model=ProfileOut)
def get_my_presence(session: SessionDep, user: UserDep) -> ProfileOut:
    return _out(session, profiles.profile_of(session, user.id))


def _config_out(config: RoutingConfig, team_id: int | None) -> ConfigOut:
    return ConfigOut(
        team_id=team_id,
        enabled=config.enabled,
        strategy=Strategy(config.strategy),
        accept_minutes=config.accept_minutes,
        product_lines=dict(config.product_lines),
        inherited=config.team_id != team_id,
    )


def _team_config(session: Session, user: User, team_id: int | None) -> None:
    if team_id is not None and session.get(Team, team_id) is None:
        raise Problem(404, f"team {team_id} does not exist")
    if not access.manages_team(session, user, team_id):
        what = "the workspace's" if team_id is None else f"team {team_id}'s"
        raise Problem(403, f"only admins, managers (and a team's leads) may set {what} routing")


def _set_config(session: Session, user: User, team_id: int | None, body: ConfigIn) -> ConfigOut:
    _team_config(session, user, team_id)
    values: dict[str, Any] = body.model_dump(exclude_none=True)
    try:
        config = profiles.do_set_config(session, team_id, values, actor_of(user))
    except profiles.RoutingError as exc:
        raise Problem(422, str(exc), slug="invalid-routing") from exc
    commit(session)
    return _config_out(config, team_id)


@router.get("/routing/settings", response_model=ConfigOut)
def get_settings(session: SessionDep, user: UserDep) -> ConfigOut:
    _team_config(session, user, None)
    return _config_out(profiles.config_for(session, None), None)


@router.put("/routing/settings", response_model=ConfigOut)
def set_settings(body: ConfigIn, session: WriteSessionDep, user: UserDep) -> ConfigOut:
    """The workspace's routing: teams without settings of their own use these."""
    return _set_config(session, user, None, body)


@router.get("/routing/teams/{team_id}", response_model=ConfigOut)
def get_team_settings(team_id: int, session: SessionDep, user: UserDep) -> ConfigOut:
    _team_config(session, user, team_id)
    return _config_out(profiles.config_for(session, team_id), team_id)


@router.put("/routing/teams/{team_id}", response_model=ConfigOut)
def set_team_settings(
    team_id: int, body: ConfigIn, session: WriteSessionDep, user: UserDep
) -> ConfigOut:
    return _set_config(session, user, team_id, body)


@router.post("/tickets/{number}/accept", response_model=Accepted)
def accept_ticket(
    number: int, session: WriteSessionDep, user: UserDep, workspace: WorkspaceDep
) -> Accepted:
    """Accept a ticket routing gave you (opening it in the workspace does this), so it is not
    re-routed; ``accepted: false`` when it was not waiting for you."""
    ticket = access.access_ticket(session, user, number, workspace.restrict_agents_to_teams)
    accepted = accept.do_accept(session, ticket.id, user.id)
    commit(session)
    return Accepted(accepted=accepted)
