"""The ticket page's side panel for service levels and escalation: each SLA target with its
due time and time left (or breached, paused, met), the tier and the escalation history, the
"Escalate" form with its hand-off note, and a product-quality incident's checklist. The
panel is a live part of the page (``ticket-live.js`` refetches it when the ticket changes)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from minidesk.db import commit, get_db, utcnow
from minidesk.desk import access
from minidesk.desk.access import Permission
from minidesk.desk.models import Ticket, User
from minidesk.desk.tickets import MAX_TIER
from minidesk.desk.users import actor_of
from minidesk.escalation import incidents
from minidesk.escalation.incidents import ChecklistItem
from minidesk.escalation.models import TargetKind
from minidesk.escalation.service import EscalationError, do_escalate, history
from minidesk.sla.models import Metric
from minidesk.sla.state import TargetState, sla_of
from minidesk.web.ui.render import redirect
from minidesk.web.ui.signed_in import BrowserDep
from minidesk.web.ui.ticket_access import ticket_not_found, visible_ticket

router = APIRouter(include_in_schema=False)
METRIC_LABELS = {
    Metric.FIRST_RESPONSE: "First response",
    Metric.NEXT_RESPONSE: "Next response",
    Metric.RESOLUTION: "Resolution",
}


def span(seconds: float) -> str:
    """'2 d 3 h', '1 h 20 min', '5 min', 'under a minute': what an agent reads at a glance."""
    minutes = int(abs(seconds) // 60)
    days, hours, mins = minutes // 1440, minutes % 1440 // 60, minutes % 60
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {mins} min" if mins else f"{hours} h"
    return f"{mins} min" if mins else "under a minute"


def sla_rows(session: Session, ticket: Ticket, now: dt.datetime) -> list[dict[str, Any]]:
    sla = sla_of(session, [ticket.id])[ticket.id]
    rows = []
    for metric in Metric:
        target = sla.targets.get(metric)
        if target is None:
            continue
        state, due = target.state, target.due_at
        if state == TargetState.PAUSED:
            left = target.remaining_seconds or 0
            words = f"paused, {span(left)} left"
        elif state == TargetState.MET:
            words = "met"
        elif state == TargetState.BREACHED:
            words = f"breached {span((now - due).total_seconds())} ago" if due else "breached"
        elif due is not None and due <= now:
            words = "due now"
        else:
            words = f"{span((due - now).total_seconds())} left" if due else ""
        rows.append(
            {
                "metric": metric.value,
                "label": METRIC_LABELS[metric],
                "state": state.value,
                "due_at": due,
                "words": words,
                "warned": target.warned,
            }
        )
    return rows


def escalation_panel(session: Session, ticket: Ticket, user: User) -> dict[str, Any]:
    """The panel's context for the ticket page."""
    now = utcnow()
    sla = sla_of(session, [ticket.id])[ticket.id]
    incident = incidents.incident_of(session, ticket.id)
    return {
        "sla_policy": sla.policy,
        "sla_rows": sla_rows(session, ticket, now),
        "escalations": list(reversed(history(session, ticket.id))),
        "tiers": list(range(1, MAX_TIER + 1)),
        "incident": incidents.as_dict(incident) if incident is not None else None,
        "may_acknowledge": incident is not None
        and (
            access.has(user, Permission.MANAGE_ESCALATIONS)
            or incidents.may_acknowledge(session, user)
        ),
    }


def _back(number: int, note: str) -> Response:
    return redirect(f"/tickets/{number}", note)


@router.post("/tickets/{number}/escalate")
def escalate(
    request: Request,
    number: int,
    browser: BrowserDep,
    csrf: Annotated[str, Form(max_length=100)] = "",
    tier: Annotated[str, Form(max_length=2)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
    to: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    browser.check(csrf)
    with get_db().write_sessions() as session:
        ticket = visible_ticket(session, browser, number)
        if ticket is None:
            return ticket_not_found(request, browser, number)
        if not tier.isdigit() or not 1 <= int(tier) <= MAX_TIER:
            return _back(number, f"Not escalated: choose a tier from 1 to {MAX_TIER}.")
        if not note.strip():
            return _back(number, "Not escalated: a hand-off note is required.")
        person = session.get(User, int(to)) if to.isdigit() else None
        if to and (person is None or not person.active):
            return _back(number, "Not escalated: that person is not an active user.")
        user = session.merge(browser.user, load=False)
        words = "escalated" if int(tier) >= ticket.tier else "moved down"
        reason = f"{words} to tier {tier} by {user.name or user.email}"
        try:
            do_escalate(
                session,
                ticket,
                actor_of(user),
                tier=int(tier),
                target=TargetKind.TIER,
                reason=reason,
                note=note.strip(),
                to=person,
            )
        except EscalationError as exc:
            return _back(number, f"Not escalated: {exc.message}.")
        commit(session)
    return _back(number, f"Escalation recorded: tier {tier}.")


@router.post("/tickets/{number}/incident/checklist")
def check_item(
    request: Request,
    number: int,
    browser: BrowserDep,
    csrf: Annotated[str, Form(max_length=100)] = "",
    item: Annotated[str, Form(max_length=40)] = "",
    done: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    browser.check(csrf)
    with get_db().write_sessions() as session:
        ticket = visible_ticket(session, browser, number)
        if ticket is None:
            return ticket_not_found(request, browser, number)
        incident = incidents.incident_of(session, ticket.id)
        if incident is None or item not in {i.value for i in ChecklistItem}:
            return _back(number, "Not changed: no such checklist item.")
        user = session.merge(browser.user, load=False)
        incidents.do_check_item(
            session, incident, ChecklistItem(item), done == "yes", user, actor_of(user)
        )
        commit(session)
    return _back(number, "Checklist updated.")


@router.post("/tickets/{number}/incident/acknowledge")
def acknowledge(
    request: Request,
    number: int,
    browser: BrowserDep,
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    browser.check(csrf)
    with get_db().write_sessions() as session:
        ticket = visible_ticket(session, browser, number)
        if ticket is None:
            return ticket_not_found(request, browser, number)
        incident = incidents.incident_of(session, ticket.id)
        user = session.merge(browser.user, load=False)
        allowed = access.has(user, Permission.MANAGE_ESCALATIONS) or incidents.may_acknowledge(
            session, user
        )
        if incident is None or not allowed:
            return _back(number, "Not acknowledged: operations, compliance or a manager only.")
        if not incidents.do_acknowledge(session, incident, user, actor_of(user)):
            return _back(number, "Already acknowledged.")
        commit(session)
    return _back(number, "Incident acknowledged.")
