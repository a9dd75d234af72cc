"""The workspace's survey settings: read with defaults, changed as a whole-or-nothing patch."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from minidesk.db import utcnow
from minidesk.event_kinds import EventKind
from minidesk.events import Actor, changed, emit
from minidesk.insights.models import SurveyKind, SurveySettings

SETTINGS_ID = 1
# A fresh workspace asks CSAT an hour after a solve, at most once a month per customer.
DEFAULTS: dict[str, Any] = {
    "transactional_kind": SurveyKind.CSAT.value,
    "delay_minutes": 60,
    "throttle_days": 30,
    "relational_nps_days": 0,
}
FIELDS = tuple(DEFAULTS)


class SettingsPatch(BaseModel):
    """The API's body: any of the fields; an unknown one is a 422, never silently dropped."""

    model_config = ConfigDict(extra="forbid")
    transactional_kind: SurveyKind | None = None
    # A week at most: a survey a month after the conversation measures memory, not service.
    delay_minutes: int = Field(60, ge=0, le=7 * 24 * 60)
    throttle_days: int = Field(30, ge=0, le=365)
    relational_nps_days: int = Field(0, ge=0, le=730)


def as_dict(row: SurveySettings) -> dict[str, Any]:
    return {name: getattr(row, name) for name in FIELDS}


def get_settings(session: Session) -> SurveySettings:
    """The settings row; a workspace that never saved any gets the defaults (not stored)."""
    row = session.get(SurveySettings, SETTINGS_ID)
    return row if row is not None else SurveySettings(id=SETTINGS_ID, **DEFAULTS)


def do_update_settings(session: Session, patch: SettingsPatch, actor: Actor) -> SurveySettings:
    row = session.get(SurveySettings, SETTINGS_ID)
    if row is None:
        row = SurveySettings(id=SETTINGS_ID, **DEFAULTS)
        session.add(row)
    before = as_dict(row)
    for name in patch.model_fields_set:
        value = getattr(patch, name)
        setattr(row, name, value.value if isinstance(value, SurveyKind) else value)
    row.updated_at = utcnow()
    after = as_dict(row)
    if after != before:
        emit(session, EventKind.SURVEY_SETTINGS_CHANGED, actor, **changed(before, after))
    return row
