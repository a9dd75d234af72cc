"""The operations dashboard (leads and up): backlog age at a moment, top intents and their
coverage, tag completion, repeat contacts, handle time, occupancy and cost per contact
(docs/metrics.md, operational reports), each number linking to the tickets behind it, with CSV
of the tables and of those tickets."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from minidesk.db import get_db, utcnow
from minidesk.desk import access
from minidesk.desk.access import Permission
from minidesk.desk.models import User
from minidesk.desk.workspace import get_workspace
from minidesk.insights import backlog, costs, handle_time, occupancy, repeats, tagging
from minidesk.insights.backlog_counts import backlog_counts
from minidesk.insights.cost_settings import get_costs
from minidesk.insights.intent_mix import intent_mix, tickets_of_intent
from minidesk.insights.kpis import NONE_LABEL, Dimension, KpiRow, Period
from minidesk.insights.money import as_major
from minidesk.web.ui import tickets_behind as drill
from minidesk.web.ui.insights_pages import DEFAULT_DAYS, MAX_DAYS
from minidesk.web.ui.render import page
from minidesk.web.ui.signed_in import BrowserDep, permitted

router = APIRouter(include_in_schema=False)
CHART_HEIGHT, BAR_WIDTH, BAR_GAP = 120, 48, 12


class Report(StrEnum):
    BACKLOG = "backlog"
    INTENTS = "intents"
    TAGS = "tag-completion"
    REPEATS = "repeat-contacts"
    HANDLE = "handle-time"
    COSTS = "cost-per-contact"


# What the drill-down may list per report: the names its rows keep tickets under.
LISTS: dict[Report, tuple[str, ...]] = {
    Report.BACKLOG: backlog.METRICS[:-1],  # every count; not the mean age
    Report.INTENTS: ("tickets",),
    Report.TAGS: ("tickets_solved", "tagged", "untagged", "fields_complete", "fields_incomplete"),
    Report.REPEATS: ("repeat_base", "repeat_contacts", "pending"),
    Report.HANDLE: ("tickets", "solved_tickets"),
    Report.COSTS: ("contacts",),
}


@dataclass(frozen=True)
class Asked:
    """The dashboard's question, checked; ``error`` says what was wrong instead."""

    since: dt.date
    until: dt.date
    group_by: Period
    by: Dimension
    at: dt.datetime
    within_days: int
    error: str = ""

    def query(self, **more: str) -> str:
        base = {"from": self.since.isoformat(), "to": self.until.isoformat(),
                "group_by": self.group_by.value, "by": self.by.value,
                "at": self.at.strftime("%Y-%m-%dT%H:%M"),
                "within_days": str(self.within_days)}  # fmt: skip
        return urlencode({**base, **more})

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.since, dt.time(), dt.UTC)

    @property
    def end(self) -> dt.datetime:
        return dt.datetime.combine(self.until + dt.timedelta(days=1), dt.time(), dt.UTC)


def _asked(request: Request) -> Asked:
    params, errors = request.query_params, []
    now = utcnow().replace(second=0, microsecond=0)
    since, until = now.date() - dt.timedelta(days=DEFAULT_DAYS - 1), now.date()
    at, within = now, repeats.DEFAULT_WITHIN_DAYS
    try:
        since = dt.date.fromisoformat(params.get("from") or since.isoformat())
        until = dt.date.fromisoformat(params.get("to") or until.isoformat())
    except ValueError:
        errors.append("from and to must be dates (YYYY-MM-DD)")
    try:
        # The form's local date-time has no zone: the page says it is UTC.
        at = dt.datetime.fromisoformat(params.get("at") or at.isoformat())
        at = at.astimezone(dt.UTC) if at.tzinfo else at.replace(tzinfo=dt.UTC)
    except (ValueError, OverflowError):
        errors.append("at must be a date and time (YYYY-MM-DDTHH:MM, UTC)")
    if at > utcnow():
        errors.append("at must not be in the future")
    raw_within = params.get("within_days") or str(within)
    # isdigit() alone takes "²", which int() refuses.
    digits = raw_within.isascii() and raw_within.isdigit() and len(raw_within) <= 3
    if not digits or not 1 <= int(raw_within) <= repeats.MAX_WITHIN_DAYS:
        errors.append(f"within days must be a whole number from 1 to {repeats.MAX_WITHIN_DAYS}")
    else:
        within = int(raw_within)
    group_by, by = params.get("group_by", "week"), params.get("by", "all")
    if group_by not in Period.__members__.values():
        errors.append(f"group by must be one of {', '.join(Period)}")
        group_by = Period.WEEK
    if by not in Dimension.__members__.values():
        errors.append(f"by must be one of {', '.join(Dimension)}")
        by = Dimension.ALL
    if until < since:
        errors.append("to must not be before from")
    elif (until - since).days >= MAX_DAYS or until >= dt.date.max:
        errors.append(f"at most {MAX_DAYS} days at once")
    return Asked(since, until, Period(group_by), Dimension(by), at, within, "; ".join(errors))


def _teams(session: Session, user: User) -> frozenset[int] | None:
    return access.team_reach(session, user, get_workspace(session).restrict_agents_to_teams)


def _bars(rows: list[KpiRow]) -> list[dict[str, Any]]:
    """One bar per age bucket, summed over the table's lines."""
    totals = [(name, sum(int(r.values[name] or 0) for r in rows)) for name, _ in backlog.BUCKETS]
    top = max((n for _, n in totals), default=0) or 1
    bars = []
    for n, (name, total) in enumerate(totals):
        height = round(CHART_HEIGHT * total / top)
        bars.append({"x": n * (BAR_WIDTH + BAR_GAP), "y": CHART_HEIGHT - height,
                     "height": height, "label": f"{name.replace('_', ' ')}: {total}"})  # fmt: skip
    return bars


@router.get("/insights/operations", response_class=HTMLResponse)
def operations(request: Request, browser: BrowserDep) -> Response:
    asked = _asked(request)
    context: dict[str, Any] = {"browser": browser, "asked": asked, "active": "insights",
                               "periods": list(Period), "dimensions": list(Dimension),
                               "buckets": [name for name, _ in backlog.BUCKETS]}  # fmt: skip
    with get_db().sessions() as session:
        user = permitted(session, request, browser, Permission.SEE_INSIGHTS)
        if isinstance(user, Response):
            return user
        if asked.error:
            return page(request, "insights_operations.html", context, 422)
        teams = _teams(session, user)
        by, start, end = asked.by, asked.start, asked.end
        context.update(
            # The page shows numbers; a number's tickets come from the full report (_behind).
            backlog=backlog_counts(session, asked.at, by, teams),
            intents=intent_mix(session, start, end, teams),
            tags=tagging.fast_tag_completion(session, start, end, asked.group_by, by, teams),
            repeats=repeats.fast_repeat_contacts(session, start, end, asked.group_by, by,
                                                 dt.timedelta(days=asked.within_days), teams),
            handle=handle_time.fast_handle_time(session, asked.since, asked.until, by, teams),
            occupancy=occupancy.occupancy(session, asked.since, asked.until, teams),
        )  # fmt: skip
        prices = get_costs(session)
        context.update(costs=_costs(session, asked, teams), currency=prices.currency,
                       cost_by=_cost_by(asked).value,
                       money=lambda minor: as_major(minor, prices.currency))  # fmt: skip
    context["bars"] = _bars(context["backlog"])
    return page(request, "insights_operations.html", context)


def _cost_by(asked: Asked) -> Dimension:
    """Cost per contact has no agent split (tooling and messages belong to no agent)."""
    return Dimension.ALL if asked.by == Dimension.AGENT else asked.by


def _costs(
    session: Session, asked: Asked, teams: frozenset[int] | None, drill: bool = False
) -> list[KpiRow]:
    prices = get_costs(session)
    return costs.cost_per_contact(session, asked.since, asked.until, _cost_by(asked), prices,
                                  teams, drill)  # fmt: skip


def _behind(session: Session, user: User, request: Request, asked: Asked) -> list[int]:
    """The tickets of one number: the report run again, that line's list taken."""
    params, teams = request.query_params, _teams(session, user)
    report, name, key = params.get("report", ""), params.get("list", ""), params.get("key") or None
    if report not in Report.__members__.values() or name not in LISTS[Report(report)]:
        return []
    if report == Report.INTENTS:
        intent = None if key == NONE_LABEL else key
        ids = tickets_of_intent(session, asked.start, asked.end, intent, teams)
    else:
        by, start, end = asked.by, asked.start, asked.end
        rows = {
            Report.BACKLOG: lambda: backlog.backlog(session, asked.at, by, teams),
            Report.TAGS: lambda: tagging.tag_completion(session, start, end, asked.group_by, by,
                                                        teams),
            Report.REPEATS: lambda: repeats.repeat_contacts(
                session, start, end, asked.group_by, by,
                dt.timedelta(days=asked.within_days), teams),
            Report.HANDLE: lambda: handle_time.handle_time(session, asked.since, asked.until,
                                                           by, teams),
            Report.COSTS: lambda: _costs(session, asked, teams, drill=True),
        }[Report(report)]()  # fmt: skip
        period = params.get("period", "")
        ids = next((r.tickets.get(name, []) for r in rows
                    if r.period.isoformat() == period and r.key == key), [])  # fmt: skip
    return ids


@router.get("/insights/operations/tickets", response_class=HTMLResponse)
def operations_tickets(request: Request, browser: BrowserDep) -> Response:
    """The tickets behind one number of the operations dashboard."""
    asked = _asked(request)
    what = request.query_params.get("list", "").replace("_", " ")
    back = (f"/insights/operations?{asked.query()}", "Back to operations")
    return drill.tickets_page(request, browser, asked.error,
                              lambda session, user: _behind(session, user, request, asked),
                              title=f"Tickets behind {what}", back=back)  # fmt: skip


@router.get("/insights/operations/tickets.csv")
def operations_tickets_csv(request: Request, browser: BrowserDep) -> Response:
    """The same tickets as CSV, one line per ticket."""
    asked = _asked(request)
    return drill.tickets_csv(request, browser, asked.error,
                             lambda session, user: _behind(session, user, request, asked),
                             "tickets.csv")  # fmt: skip
