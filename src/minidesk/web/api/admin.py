"""What an admin needs when something went wrong: failed inbound rows and dead letters."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from minidesk import inbox, outbox
from minidesk.db import commit
from minidesk.desk.access import Permission
from minidesk.desk.messages import sanitise_html
from minidesk.desk.models import User
from minidesk.desk.users import actor_of
from minidesk.desk.workspace import Workspace, WorkspaceError, do_update_workspace, get_workspace
from minidesk.event_kinds import EventKind
from minidesk.events import emit
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
    rows = session.scalars(
        select(inbox.InboxItem)
        .where(
            inbox.InboxItem.status.in_([inbox.InboxStatus.FAILED, inbox.InboxStatus.QUARANTINED])
        )
        .order_by(inbox.InboxItem.id.desc())
        .limit(100)
    )
    return Page[InboxItemOut](items=[InboxItemOut.of(r) for r in rows], next_cursor=None)


@router.post("/admin/inbox/{inbox_id}/retry", status_code=202)
def retry_inbox(inbox_id: int, session: WriteSessionDep, admin: User = Admin) -> dict[str, int]:
    if not inbox.retry(session, inbox_id):
        raise Problem(409, f"inbox row {inbox_id} is not failed or quarantined")
    emit(session, EventKind.INBOX_RETRIED, actor_of(admin), inbox_id=inbox_id)
    commit(session)
    return {"inbox_id": inbox_id}


@router.get("/admin/dead-letters", response_model=Page[OutboxItemOut], dependencies=[Admin])
def dead_letters(session: SessionDep) -> Page[OutboxItemOut]:
    rows = session.scalars(
        select(outbox.OutboxItem)
        .where(outbox.OutboxItem.status == outbox.OutboxStatus.DEAD)
        .order_by(outbox.OutboxItem.id.desc())
        .limit(100)
    )
    return Page[OutboxItemOut](
        items=[OutboxItemOut.model_validate(r) for r in rows], next_cursor=None
    )


@router.post("/admin/dead-letters/{outbox_id}/replay", status_code=202)
def replay_dead_letter(
    outbox_id: int, session: WriteSessionDep, admin: User = Admin
) -> dict[str, int]:
    if not outbox.replay(session, outbox_id):
        raise Problem(409, f"outbox item {outbox_id} is not a dead letter")
    emit(session, EventKind.DELIVERY_REPLAYED, actor_of(admin), outbox_id=outbox_id)
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
