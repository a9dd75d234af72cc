"""Intent model versions: which exist, how they scored, which is live; roll back (admins)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import BaseModel

from minidesk.db import commit
from minidesk.desk.access import Permission
from minidesk.desk.models import User
from minidesk.desk.users import actor_of
from minidesk.triage.sync import watcher
from minidesk.triage.versions import (
    DEFAULT_VERSION,
    VersionError,
    active_version,
    default_name,
    do_activate_version,
    list_versions,
)
from minidesk.web.api import PREFIX
from minidesk.web.deps import SessionDep, WriteSessionDep, requires
from minidesk.web.pagination import Page
from minidesk.web.problems import Problem

router = APIRouter(prefix=f"{PREFIX}/triage", tags=["triage"])


Manager = requires(Permission.SEE_INTENT_MODELS)
AdminUser = Annotated[User, requires(Permission.ACTIVATE_INTENT_MODELS)]


class ModelVersionOut(BaseModel):
    version: int
    name: str
    active: bool
    builtin: bool
    metrics: dict[str, Any]
    created_at: dt.datetime | None
    activated_at: dt.datetime | None


@router.get("/models", response_model=Page[ModelVersionOut], dependencies=[Manager])
def models(session: SessionDep) -> Page[ModelVersionOut]:
    """Stored versions newest first, then the shipped default (version 0)."""
    live = active_version(session)
    items = [
        ModelVersionOut(version=row.version, name=row.name, active=row.version == live,
                        builtin=False, metrics=row.metrics, created_at=row.created_at,
                        activated_at=row.activated_at)
        for row in list_versions(session)
    ]
    items.append(ModelVersionOut(version=DEFAULT_VERSION, name=default_name(),
                                 active=live == DEFAULT_VERSION, builtin=True, metrics={},
                                 created_at=None, activated_at=None))
    return Page(items=items, next_cursor=None)


@router.post("/models/{version}/activate", response_model=ModelVersionOut)
def activate(version: int, session: WriteSessionDep, user: AdminUser) -> ModelVersionOut:
    """Make ``version`` live in every process within a minute (0: the shipped default)."""
    try:
        do_activate_version(session, version, actor_of(user), reason="activated by an admin")
    except VersionError as exc:
        raise Problem(404, str(exc), slug="no-such-model") from exc
    commit(session)
    watcher.refresh()  # this process at once; the others at their next check
    found = next(item for item in models(session).items if item.version == version)
    return found
