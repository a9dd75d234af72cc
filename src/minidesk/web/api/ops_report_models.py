"""The JSON shapes of the operational reports (``web.api.ops_reports``); their CSV has the same
columns (``insights.ops_rows.table_csv``)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from minidesk.insights.kpis import Dimension, Period


class BacklogOut(BaseModel):
    period: dt.date
    key: str | None
    label: str
    open_tickets: int
    under_1d: int
    from_1d_to_3d: int
    from_3d_to_7d: int
    from_7d_to_14d: int
    from_14d_to_30d: int
    over_30d: int
    mean_age_hours: float


class BacklogReportOut(BaseModel):
    at: dt.datetime
    by: Dimension
    items: list[BacklogOut]


class IntentOut(BaseModel):
    intent: str
    tickets: int
    share: float | None
    cumulative_share: float | None


class IntentReportOut(BaseModel):
    since: dt.date
    until: dt.date
    tickets: int
    unclassified: int
    intents: int
    top: int
    top_coverage: float | None
    target: float
    intents_for_target: int | None
    items: list[IntentOut]


class TagCompletionOut(BaseModel):
    period: dt.date
    key: str | None
    label: str
    tickets_solved: int
    tagged: int
    tag_completion: float | None
    fields_complete: int | None
    field_completion: float | None


class TagCompletionReportOut(BaseModel):
    since: dt.date
    until: dt.date
    group_by: Period
    by: Dimension
    items: list[TagCompletionOut]


class RepeatOut(BaseModel):
    period: dt.date
    key: str | None
    label: str
    repeat_base: int
    repeat_contacts: int
    repeat_contact_rate: float | None
    pending: int


class RepeatReportOut(BaseModel):
    since: dt.date
    until: dt.date
    group_by: Period
    by: Dimension
    within_days: int
    items: list[RepeatOut]


class HandleTimeOut(BaseModel):
    key: str | None
    label: str
    handle_seconds: int
    tickets: int
    seconds_per_ticket: float | None
    solved_tickets: int
    seconds_per_solved_ticket: float | None


class HandleTimeReportOut(BaseModel):
    since: dt.date
    until: dt.date
    by: Dimension
    items: list[HandleTimeOut]


class OccupancyOut(BaseModel):
    key: str | None
    label: str
    handle_seconds: int
    available_seconds: int
    occupancy: float | None


class OccupancyReportOut(BaseModel):
    since: dt.date
    until: dt.date
    items: list[OccupancyOut]
