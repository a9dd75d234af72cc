"""Remediation pilots and their payback (docs/metrics.md, remediation pilots).

A pilot is a fix aimed at one contact driver (an intent: a tracking page for "where is my
order", a clearer invoice for invoice requests). Its effect is read against the days before
it started (the baseline): the contacts the intent would have brought at its baseline share
of all contacts, less those it brought, are the contacts avoided. Shares rather than counts,
so a busy season does not pass for a failed fix nor a quiet one for a saving. Each avoided
contact saves what one of the intent's contacts cost in the baseline beyond the fixed
tooling (handle time and messages, ``insights.costs``: a contact not made still leaves the
licences to pay); a month of savings less the fix's running cost pays back its one-off
investment in ``payback_months``. Whether the share really fell is the two-proportion z-test
of the experiment report (``insights.stats``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.db import utcnow
from minidesk.event_kinds import EventKind
from minidesk.events import Actor, emit
from minidesk.events.model import changed
from minidesk.insights.cost_models import CostSettings
from minidesk.insights.costs import DAYS_PER_MONTH, cost_per_contact, minor
from minidesk.insights.kpis import Dimension
from minidesk.insights.pilot_models import RemediationPilot
from minidesk.insights.stats import two_proportion_z

SIGNIFICANT = 0.05
DAY = dt.timedelta(days=1)
FIELDS = ("name", "intent", "started_on", "ended_on", "baseline_days", "investment",
          "running_month", "currency", "notes")  # fmt: skip


class PilotError(ValueError):
    """A pilot that cannot be saved as asked (the message says why)."""


@dataclass(frozen=True)
class Window:
    since: dt.date
    until: dt.date
    contacts: int  # the intent's
    all_contacts: int
    total_cost: int  # the intent's contacts' cost, minor units
    variable_cost: int  # of which handle time and messages (what an avoided contact saves)

    @property
    def days(self) -> int:
        return (self.until - self.since).days + 1

    def as_dict(self) -> dict[str, Any]:
        n, everyone = self.contacts, self.all_contacts
        return {
            "from": self.since,
            "to": self.until,
            "days": self.days,
            "contacts": self.contacts,
            "all_contacts": self.all_contacts,
            "share": round(n / everyone, 4) if everyone else None,
            "cost_per_contact": round(self.total_cost / n, 2) if n else None,
            "variable_cost_per_contact": round(self.variable_cost / n, 2) if n else None,
        }


def _window(
    session: Session, intent: str, since: dt.date, until: dt.date, costs: CostSettings,
    teams: Collection[int] | None,
) -> Window:  # fmt: skip
    rows = cost_per_contact(session, since, until, Dimension.INTENT, costs, teams)
    mine = next((row for row in rows if row.key == intent), None)
    return Window(
        since,
        until,
        contacts=int(mine.values["contacts"] or 0) if mine else 0,
        all_contacts=sum(int(row.values["contacts"] or 0) for row in rows),
        total_cost=int(mine.values["total_cost"] or 0) if mine else 0,
        variable_cost=(int(mine.values["handle_cost"] or 0)
                       + int(mine.values["messaging_cost"] or 0)) if mine else 0,
    )  # fmt: skip


def payback(
    session: Session,
    pilot: RemediationPilot,
    costs: CostSettings,
    teams: Collection[int] | None,
    today: dt.date,
) -> dict[str, Any]:
    """The pilot's baseline and pilot windows (whole UTC days before ``today``), contacts
    expected and avoided, savings per month and the payback period. Figures are None where
    they cannot be told yet (no whole day of the pilot, no contacts in the baseline)."""
    last = min(pilot.ended_on or today - DAY, today - DAY)
    result: dict[str, Any] = {"baseline": None, "pilot": None, "expected_contacts": None,
                              "avoided_contacts": None, "avoided_per_month": None,
                              "saving_per_month": None, "payback_months": None,
                              "p_value": None, "significant": False}  # fmt: skip
    base = _window(session, pilot.intent, pilot.started_on - pilot.baseline_days * DAY,
                   pilot.started_on - DAY, costs, teams)  # fmt: skip
    result["baseline"] = base.as_dict()
    if last < pilot.started_on:
        result["status"] = "not started" if pilot.started_on > today else "first day running"
        return result
    run = _window(session, pilot.intent, pilot.started_on, last, costs, teams)
    result["pilot"] = run.as_dict()
    result["status"] = "running" if pilot.ended_on is None or pilot.ended_on >= today else "ended"
    if not base.all_contacts or not run.all_contacts:
        return result
    expected = Fraction(base.contacts * run.all_contacts, base.all_contacts)
    avoided = expected - run.contacts
    per_month = avoided / run.days * DAYS_PER_MONTH
    result["expected_contacts"] = round(float(expected), 2)
    result["avoided_contacts"] = round(float(avoided), 2)
    result["avoided_per_month"] = round(float(per_month), 2)
    tested = two_proportion_z(base.contacts, base.all_contacts, run.contacts, run.all_contacts)
    result["p_value"] = None if tested.p_value is None else round(tested.p_value, 4)
    result["significant"] = bool(
        tested.p_value is not None and tested.p_value < SIGNIFICANT and avoided > 0
    )
    if costs.currency != pilot.currency or not base.contacts:
        # No baseline cost per contact, or costs kept in another currency now: the contacts
        # avoided are known, what they are worth is not.
        return result
    saving = minor(per_month * Fraction(base.variable_cost, base.contacts) - pilot.running_month)
    result["saving_per_month"] = saving
    if saving > 0:
        result["payback_months"] = round(pilot.investment / saving, 1)
    return result


def as_dict(pilot: RemediationPilot) -> dict[str, Any]:
    return {"id": pilot.id, **{name: getattr(pilot, name) for name in FIELDS},
            "created_by_id": pilot.created_by_id, "created_at": pilot.created_at,
            "updated_at": pilot.updated_at}  # fmt: skip


def list_pilots(session: Session) -> list[RemediationPilot]:
    query = select(RemediationPilot).order_by(RemediationPilot.started_on.desc(),
                                              RemediationPilot.id.desc())  # fmt: skip
    return list(session.scalars(query))


def _check(values: dict[str, Any], currency: str) -> None:
    ended = values.get("ended_on")
    if ended is not None and ended < values["started_on"]:
        raise PilotError("ended_on must not be before started_on")
    if values["currency"] != currency:
        raise PilotError(f"amounts must be in the workspace's cost currency, {currency}, "
                         f"not {values['currency']}")  # fmt: skip


def do_create_pilot(
    session: Session, values: dict[str, Any], currency: str, actor: Actor, user_id: int | None
) -> RemediationPilot:
    _check(values, currency)
    pilot = RemediationPilot(**values, created_by_id=user_id, created_at=utcnow(),
                             updated_at=utcnow())  # fmt: skip
    session.add(pilot)
    session.flush()
    emit(session, EventKind.PILOT_SAVED, actor, **changed(None, _audit(pilot)))
    return pilot


def do_update_pilot(
    session: Session, pilot: RemediationPilot, values: dict[str, Any], currency: str, actor: Actor
) -> RemediationPilot:
    before = _audit(pilot)
    merged = {**{name: getattr(pilot, name) for name in FIELDS}, **values}
    _check(merged, currency)
    for name, value in values.items():
        setattr(pilot, name, value)
    after = _audit(pilot)
    if after != before:
        pilot.updated_at = utcnow()
        emit(session, EventKind.PILOT_SAVED, actor, **changed(before, after))
    return pilot


def do_delete_pilot(session: Session, pilot: RemediationPilot, actor: Actor) -> None:
    emit(session, EventKind.PILOT_DELETED, actor, **changed(_audit(pilot), None))
    session.delete(pilot)


def _audit(pilot: RemediationPilot) -> dict[str, Any]:
    """The pilot as its events record it (dates as ISO text, JSON-safe)."""
    values = {name: getattr(pilot, name) for name in FIELDS}
    return {"id": pilot.id, **{k: v.isoformat() if isinstance(v, dt.date) else v
                               for k, v in values.items()}}  # fmt: skip
