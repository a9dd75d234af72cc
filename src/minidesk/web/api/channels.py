"""Channel instances: every mailbox, API integration (and, later, number and widget).

Admins create and edit them; agents list the channels they serve (with team restriction on,
those of their teams and those of no team). Settings and the names of the secrets that are set
are shown to admins only; secret values are write-only and never leave the desk.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter
from pydantic import Field, SecretStr
from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.channels import service
from minidesk.channels.hours import BusinessHours
from minidesk.channels.kinds import ChannelError
from minidesk.channels.models import Channel
from minidesk.channels.registry import customer_kinds
from minidesk.db import commit
from minidesk.desk.access import Permission, has
from minidesk.desk.models import User
from minidesk.desk.users import actor_of
from minidesk.web.api import PREFIX
from minidesk.web.deps import SessionDep, UserDep, WorkspaceDep, WriteSessionDep, requires
from minidesk.web.problems import Problem
from minidesk.web.schemas import Out, RowIdPath, Strict

router = APIRouter(prefix=f"{PREFIX}/channels", tags=["channels"])
Admin = requires(Permission.MANAGE_CHANNELS)
MAX_FIELDS = 50


class ChannelPatch(Strict):
    name: str | None = Field(None, max_length=200)
    team_id: int | None = None
    business_hours: BusinessHours | None = None
    enabled: bool | None = None
    settings: dict[str, Any] = Field(default_factory=dict, max_length=MAX_FIELDS)
    # SecretStr: a value never reaches a log or an error document, even a refused one.
    secrets: dict[str, SecretStr | None] = Field(default_factory=dict, max_length=MAX_FIELDS)

    def values(self) -> dict[str, Any]:
        values = self.model_dump(exclude_unset=True, mode="json", exclude={"secrets"})
        values["secrets"] = {
            name: value.get_secret_value() if value is not None else None
            for name, value in self.secrets.items()
        }
        return values


class ChannelIn(ChannelPatch):
    kind: str = Field(max_length=16)


class ChannelOut(Out):
    id: int
    kind: str
    name: str
    team_id: int | None
    business_hours: BusinessHours | None
    enabled: bool
    # Admins only (None for others): the kind's settings, and which secrets are set.
    settings: dict[str, Any] | None = None
    secrets_set: list[str] | None = None
    created_at: dt.datetime
    updated_at: dt.datetime


COLUMNS = ("id", "kind", "name", "team_id", "business_hours", "enabled", "created_at",
           "updated_at")  # fmt: skip


def _out(session: Session, channel: Channel, user: User) -> ChannelOut:
    settings: dict[str, Any] | None = None
    secrets_set: list[str] | None = None
    if has(user, Permission.MANAGE_CHANNELS):
        settings, secrets_set = service.describe(session, channel)
    # Not from the row's attributes: the row's own ``settings`` are not every kind's.
    return ChannelOut.model_validate(
        {name: getattr(channel, name) for name in COLUMNS}
        | {"settings": settings, "secrets_set": secrets_set}
    )


@router.get("", response_model=list[ChannelOut])
def list_channels(
    session: SessionDep, user: UserDep, workspace: WorkspaceDep, kind: str | None = None
) -> list[ChannelOut]:
    """The channels the caller serves, optionally of one kind (``email``, ``api``)."""
    query = (
        select(Channel)
        .where(service.visible_channels(user, workspace.restrict_agents_to_teams))
        .order_by(Channel.id)
    )
    if kind is not None:
        query = query.where(Channel.kind == kind)
    return [_out(session, channel, user) for channel in session.scalars(query)]


@router.get("/{channel_id}", response_model=ChannelOut)
def get_channel(
    channel_id: RowIdPath, session: SessionDep, user: UserDep, workspace: WorkspaceDep
) -> ChannelOut:
    restrict = workspace.restrict_agents_to_teams
    return _out(session, service.access_channel(session, user, channel_id, restrict), user)


@router.post("", response_model=ChannelOut, status_code=201)
def create_channel(body: ChannelIn, session: WriteSessionDep, admin: User = Admin) -> ChannelOut:
    values = body.values()
    try:
        channel = service.do_create_channel(session, values.pop("kind"), values, actor_of(admin))
    except ChannelError as exc:
        raise Problem(422, str(exc)) from exc
    commit(session)
    return _out(session, channel, admin)


@router.patch("/{channel_id}", response_model=ChannelOut)
def update_channel(
    channel_id: RowIdPath, body: ChannelPatch, session: WriteSessionDep, admin: User = Admin
) -> ChannelOut:
    channel = session.get(Channel, channel_id)
    if channel is None or channel.kind not in customer_kinds():
        raise Problem(404, f"channel {channel_id} does not exist")
    try:
        service.do_update_channel(session, channel, body.values(), actor_of(admin))
    except ChannelError as exc:
        raise Problem(422, str(exc)) from exc
    commit(session)
    return _out(session, channel, admin)
