"""The policy pack over HTTP: everyone may read what is pre-authorised; admins change it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from minidesk.db import commit
from minidesk.desk.access import Permission
from minidesk.desk.models import User
from minidesk.desk.users import actor_of
from minidesk.policies.pack import PolicyError, do_update_pack, get_pack
from minidesk.web.api import PREFIX
from minidesk.web.deps import SessionDep, UserDep, WriteSessionDep, requires
from minidesk.web.problems import Problem

router = APIRouter(prefix=f"{PREFIX}/policies", tags=["policies"])


@router.get("")
def read_policies(session: SessionDep, user: UserDep) -> dict[str, Any]:
    """The pack in force: money caps in minor units, the confirmation token, day counts,
    holidays, what each role may refund and its daily budget."""
    return get_pack(session).to_data()


@router.patch("")
def update_policies(
    body: dict[str, Any],
    session: WriteSessionDep,
    admin: User = requires(Permission.MANAGE_POLICIES),
) -> dict[str, Any]:
    """Change some fields of the pack; the rest stay. The whole result is validated before
    anything is saved, and the change is an event naming you."""
    try:
        pack = do_update_pack(session, body, actor_of(admin))
    # A role, a date or a field of the wrong kind surfaces as one of these; all mean the
    # body is not a valid pack, and the message says which part.
    except (PolicyError, ValueError, TypeError) as exc:
        raise Problem(422, f"invalid policy pack: {exc}", slug="invalid-policy") from exc
    commit(session)
    return pack.to_data()
