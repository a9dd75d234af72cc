"""Workspace-wide preferences an admin changes at run time (one row)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import String
from sqlalchemy.orm import Mapped, Session, mapped_column

from minidesk import memo
from minidesk.db import Base
from minidesk.event_kinds import EventKind
from minidesk.events import Actor, changed, emit

EDITABLE = ("name", "timezone", "languages", "restrict_agents_to_teams", "reopen_window_days")


class Workspace(Base):
    __tablename__ = "workspace"

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    name: Mapped[str] = mapped_column(String(200), default="My shop")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    languages: Mapped[list[Any]] = mapped_column(default=lambda: ["en"])
    restrict_agents_to_teams: Mapped[bool] = mapped_column(default=False)
    reopen_window_days: Mapped[int] = mapped_column(default=7)

    @property
    def reopen_window(self) -> dt.timedelta:
        return dt.timedelta(days=self.reopen_window_days)


class WorkspaceError(ValueError):
    pass


DEFAULTS: dict[str, Any] = {
    "name": "My shop",
    "timezone": "UTC",
    "languages": ["en"],
    "restrict_agents_to_teams": False,
    "reopen_window_days": 7,
}


_MEMO = "workspace"


def get_workspace(session: Session) -> Workspace:
    """The workspace row, or the defaults (unsaved) before an admin has changed anything.

    Read once per transaction (``minidesk.memo``): a message's listeners ask several times,
    and without a row (a fresh install) every ask was a SELECT."""
    return memo.get(session, _MEMO, lambda: _read(session))


def _read(session: Session) -> Workspace:
    workspace = session.get(Workspace, 1)
    return workspace if workspace is not None else Workspace(id=1, **DEFAULTS)


def check_changes(values: dict[str, Any]) -> None:
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise WorkspaceError(
            f"unknown workspace fields: {', '.join(sorted(unknown))}; "
            f"editable: {', '.join(EDITABLE)}"
        )
    if "timezone" in values:
        try:
            ZoneInfo(values["timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            raise WorkspaceError(f"unknown timezone {values['timezone']!r}") from None
    if "reopen_window_days" in values and not 0 <= int(values["reopen_window_days"]) <= 365:
        raise WorkspaceError("reopen_window_days must be between 0 and 365")


def do_update_workspace(session: Session, values: dict[str, Any], actor: Actor) -> Workspace:
    check_changes(values)
    workspace = get_workspace(session)
    if workspace not in session:
        session.add(workspace)
    before = {key: getattr(workspace, key) for key in values}
    for key, value in values.items():
        setattr(workspace, key, value)
    emit(session, EventKind.WORKSPACE_UPDATED, actor, **changed(before, values))
    memo.put(session, _MEMO, workspace)  # now the session's row, no longer the defaults
    return workspace
