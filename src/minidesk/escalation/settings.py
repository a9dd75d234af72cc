"""Who hears of product-quality incidents: the operations and compliance teams, and the
hours they have to acknowledge one (24 by default)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from minidesk.desk.models import Team
from minidesk.escalation.service import get_settings
from minidesk.event_kinds import EventKind
from minidesk.events import Actor, emit

FIELDS = ("operations_team_id", "compliance_team_id", "acknowledge_hours")


class SettingsError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


def settings_dict(session: Session) -> dict[str, Any]:
    settings = get_settings(session)
    return {name: getattr(settings, name) for name in FIELDS}


def do_update_settings(session: Session, changes: dict[str, Any], actor: Actor) -> None:
    if "acknowledge_hours" in changes and changes["acknowledge_hours"] is None:
        raise SettingsError("acknowledge_hours", "a whole number of hours, 1 to 720")
    for field in ("operations_team_id", "compliance_team_id"):
        team_id = changes.get(field)
        if team_id is not None and session.get(Team, team_id) is None:
            raise SettingsError(field, f"no team {team_id}")
    before = settings_dict(session)
    settings = get_settings(session)
    for name, value in changes.items():
        setattr(settings, name, value)
    session.flush()
    after = settings_dict(session)
    if after != before:
        emit(session, EventKind.ESCALATION_SETTINGS_CHANGED, actor, before=before, after=after)
