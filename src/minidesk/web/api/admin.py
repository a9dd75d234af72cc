"""What an admin needs when something went wrong: failed inbound rows and dead letters."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict

from minidesk import inbox
from minidesk.db import commit
from minidesk.desk import queues
from minidesk.desk.access import Permission
from minidesk.desk.messages import sanitise_html
from minidesk.desk.models import User
from minidesk.desk.users import actor_of
from minidesk.desk.workspace import Workspace, WorkspaceError, do_update_workspace, get_workspace
from minidesk.web.api import PREFIX
from minidesk.web.deps import SessionDep, UserDep, WriteSessionDep, requires
from minidesk.web.pagination import Page
from minidesk.web.problems import Problem
from minidesk.web.schemas import WorkspaceOut, WorkspacePatch

router = APIRouter(prefix=PREFIX, tags=["admin"])
Admin = requires(Permission.ADMIN_QUEUES)


class InboxItemOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    channel: str
    external_id: str
    status: str
    attempts: int
    error: str | None
    received_at: dt.datetime
    payload: dict[str, Any]

    @classmethod
    def of(cls, row: inbox.InboxItem) -> InboxItemOut:
        """The row with its HTML sanitised as a ticket's would be: quarantined mail is the
        least trusted HTML there is, and admins read it in a browser."""
        item = cls.model_validate(row)
        if isinstance(html := item.payload.get("html"), str):
            item.payload = {**item.payload, "html": sanitise_html(html)}
        return item


class OutboxItemOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    channel: str
    ticket_id: int | None
    message_id: int | None
    status: str
    attempts: int
    last_error: str | None
    created_at: dt.datetime


@router.get("/admin/inbox", response_model=Page[InboxItemOut], dependencies=[Admin])
def problem_inbox(session: SessionDep) -> Page[InboxItemOut]:
    """Inbound messages that failed processing or were quarantined, newest first."""
    rows = queues.problem_inbox(session)
    return Page[InboxItemOut](items=[InboxItemOut.of(r) for r in rows], next_cursor=None)


@router.post("/admin/inbox/{inbox_id}/retry", status_code=202)
def retry_inbox(inbox_id: int, session: WriteSessionDep, admin: User = Admin) -> dict[str, int]:
    if not queues.do_retry_inbox(session, inbox_id, actor_of(admin)):
        raise Problem(409, f"inbox row {inbox_id} is not failed or quarantined")
    commit(session)
    return {"inbox_id": inbox_id}


@router.delete("/admin/inbox/{inbox_id}", status_code=204)
def discard_inbox(inbox_id: int, session: WriteSessionDep, admin: User = Admin) -> Response:
    """Delete a quarantined or failed inbound message (spam, nothing to answer)."""
    if not queues.do_discard_inbox(session, inbox_id, actor_of(admin)):
        raise Problem(409, f"inbox row {inbox_id} is not failed or quarantined")
    commit(session)
    return Response(status_code=204)


@router.get("/admin/dead-letters", response_model=Page[OutboxItemOut], dependencies=[Admin])
def dead_letters(session: SessionDep) -> Page[OutboxItemOut]:
    rows = queues.dead_letters(session)
    return Page[OutboxItemOut](
        items=[OutboxItemOut.model_validate(r) for r in rows], next_cursor=None
    )


@router.post("/admin/dead-letters/{outbox_id}/replay", status_code=202)
def replay_dead_letter(
    outbox_id: int, session: WriteSessionDep, admin: User = Admin
) -> dict[str, int]:
    if not queues.do_replay_dead_letter(session, outbox_id, actor_of(admin)):
        raise Problem(409, f"outbox item {outbox_id} is not a dead letter")
    commit(session)
    return {"outbox_id": outbox_id}


@router.get("/workspace", response_model=WorkspaceOut)
def read_workspace(session: SessionDep, user: UserDep) -> Workspace:
    return get_workspace(session)


@router.patch("/workspace", response_model=WorkspaceOut)
def update_workspace(
    body: WorkspacePatch, session: WriteSessionDep, admin: User = requires(Permission.MANAGE_USERS)
) -> Workspace:
    try:
        workspace = do_update_workspace(
            session, body.model_dump(exclude_unset=True), actor_of(admin)
        )
    except WorkspaceError as exc:
        raise Problem(422, str(exc)) from exc
    commit(session)
    return workspace
