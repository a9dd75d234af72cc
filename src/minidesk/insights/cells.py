"""The shapes both KPI reports fill: the periods and dimensions a report is asked for, one
cell's counts and sums (``Cell``) and a report line (``KpiRow``).

The full recomputation (``insights.kpis``) counts into cells; the rollup report
(``insights.report``) sums the same counts per period from kpi_daily. Both publish them through
``published``, so a metric is computed one way (docs/metrics.md). A cell holds counts and sums
only, never means: a week or a month is then the sum of its days."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from enum import StrEnum

from minidesk.insights.models import SurveyKind

MAX_TURNS = 3  # "resolved within three turns"
CSAT_SATISFIED = 4  # a 4 or a 5 out of 5
NPS_PROMOTER, NPS_DETRACTOR = 9, 6  # 9-10 promote, 0-6 detract
NONE_LABEL = "(none)"
# Durations are summed in whole microseconds (a datetime's resolution): integer sums are
# exact, so a rollup that adds and subtracts them for years equals a fresh recomputation.
MICROS = 1_000_000

METRICS: tuple[str, ...] = (
    "tickets_created",
    "first_response_seconds",
    "tickets_solved",
    "resolution_seconds",
    "first_contact_resolution",
    "reopen_rate",
    "containment_rate",
    "resolved_within_3_turns",
    "escalation_rate",
    "chats_started",
    "chat_abandonment_rate",
    "csat",
    "csat_average",
    "nps",
    "ces_average",
    "survey_answers",
)
SURVEY_METRICS: dict[SurveyKind, tuple[str, ...]] = {
    SurveyKind.CSAT: ("csat", "csat_average"),
    SurveyKind.NPS: ("nps",),
    SurveyKind.CES: ("ces_average",),
}


class Period(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


class Dimension(StrEnum):
    ALL = "all"
    AGENT = "agent"
    TEAM = "team"
    CHANNEL = "channel"
    INTENT = "intent"


def period_start(moment: dt.datetime, period: Period) -> dt.date:
    return period_of_day(moment.astimezone(dt.UTC).date(), period)


def period_of_day(day: dt.date, period: Period) -> dt.date:
    if period == Period.WEEK:
        return day - dt.timedelta(days=day.weekday())  # ISO weeks start on Monday
    if period == Period.MONTH:
        return day.replace(day=1)
    return day


def micros(delta: dt.timedelta) -> int:
    return (delta.days * 86_400 + delta.seconds) * MICROS + delta.microseconds


@dataclass
class Cell:
    created: int = 0
    first_response_micros: int = 0
    first_response_count: int = 0
    solved: int = 0
    resolution_micros: int = 0
    resolution_count: int = 0
    fcr: int = 0
    reopened: int = 0
    contained: int = 0
    within_turns: int = 0
    escalated: int = 0
    chats: int = 0
    chats_abandoned: int = 0
    # Survey answers as counts and sums, so a rollup can add them too.
    csat_answers: int = 0
    csat_sum: int = 0
    csat_satisfied: int = 0
    nps_answers: int = 0
    nps_promoters: int = 0
    nps_detractors: int = 0
    ces_answers: int = 0
    ces_sum: int = 0
    # Metric → the tickets behind its number (the numerator of a rate, the items of a mean):
    # what a drill-down lists.
    members: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))

    def add(self, ticket_id: int, *metrics: str) -> None:
        for metric in metrics:
            self.members[metric].append(ticket_id)

    def answer(self, kind: SurveyKind, score: int, count: int = 1) -> None:
        """Count ``count`` answers of ``score`` to a survey of ``kind``."""
        if kind == SurveyKind.CSAT:
            self.csat_answers += count
            self.csat_sum += score * count
            self.csat_satisfied += count if score >= CSAT_SATISFIED else 0
        elif kind == SurveyKind.NPS:
            self.nps_answers += count
            self.nps_promoters += count if score >= NPS_PROMOTER else 0
            self.nps_detractors += count if score <= NPS_DETRACTOR else 0
        else:
            self.ces_answers += count
            self.ces_sum += score * count

    def counts(self) -> tuple[int, ...]:
        """Its counts and sums, in ``COUNTS`` order."""
        return tuple(getattr(self, name) for name in COUNTS)

    def values(self) -> dict[str, float | int | None]:
        return published(self.counts())


# A cell's counts and sums, in its fields' order. The rollup report sums kpi_daily's columns
# of these names and publishes the sums without making a cell of them: 4,380 cells for a year
# per day by intent were most of its time, and of the garbage collector's.
COUNTS: tuple[str, ...] = tuple(f.name for f in fields(Cell) if f.name != "members")


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _mean(total: int, count: int) -> float | None:
    return round(total / count, 2) if count else None


def _seconds(total_micros: int, count: int) -> float | None:
    return round(total_micros / MICROS / count, 2) if count else None


def published(counts: Sequence[int]) -> dict[str, float | int | None]:
    """The metrics of a cell's ``counts`` (``COUNTS`` order), in ``METRICS`` order."""
    (created, first_response_micros, first_response_count, solved, resolution_micros,
     resolution_count, fcr, reopened, contained, within_turns, escalated, chats,
     chats_abandoned, csat_answers, csat_sum, csat_satisfied, nps_answers, nps_promoters,
     nps_detractors, ces_answers, ces_sum) = counts  # fmt: skip
    nps = None
    if nps_answers:
        nps = round(100 * (nps_promoters - nps_detractors) / nps_answers, 2)
    return {
        "tickets_created": created,
        "first_response_seconds": _seconds(first_response_micros, first_response_count),
        "tickets_solved": solved,
        "resolution_seconds": _seconds(resolution_micros, resolution_count),
        "first_contact_resolution": _share(fcr, solved),
        "reopen_rate": _share(reopened, solved),
        "containment_rate": _share(contained, solved),
        "resolved_within_3_turns": _share(within_turns, solved),
        "escalation_rate": _share(escalated, created),
        "chats_started": chats,
        "chat_abandonment_rate": _share(chats_abandoned, chats),
        "csat": _share(csat_satisfied, csat_answers),
        "csat_average": _mean(csat_sum, csat_answers),
        "nps": nps,
        "ces_average": _mean(ces_sum, ces_answers),
        "survey_answers": csat_answers + nps_answers + ces_answers,
    }


@dataclass(frozen=True)
class KpiRow:
    period: dt.date
    key: str | None
    label: str
    values: dict[str, float | int | None]
    tickets: dict[str, list[int]] = field(default_factory=dict)
