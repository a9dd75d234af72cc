"""The product-quality-incident workflow: a health or safety report gets P1, an incident with
its checklist, and operations and compliance told, who acknowledge within the configured
hours (24 by default) or the sweeper escalates the ticket to a senior manager."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.db import utcnow
from minidesk.desk import tickets
from minidesk.desk.models import Priority, Ticket, User
from minidesk.escalation.models import Incident
from minidesk.escalation.service import get_settings, team_members
from minidesk.event_kinds import EventKind
from minidesk.events import Actor, emit


class ChecklistItem(StrEnum):
    ISOLATE_BATCH = "isolate_batch"
    COLLECT_PHOTOS = "collect_photos"
    NOTIFY_OPERATIONS = "notify_operations"
    NOTIFY_COMPLIANCE = "notify_compliance"
    CUSTOMER_FOLLOW_UP = "customer_follow_up"
    CLOSE_OUT = "close_out"


LABELS = {
    ChecklistItem.ISOLATE_BATCH: "Isolate the batch or lot",
    ChecklistItem.COLLECT_PHOTOS: "Collect photos and the product",
    ChecklistItem.NOTIFY_OPERATIONS: "Operations informed",
    ChecklistItem.NOTIFY_COMPLIANCE: "Compliance informed",
    ChecklistItem.CUSTOMER_FOLLOW_UP: "Customer followed up",
    ChecklistItem.CLOSE_OUT: "Close-out report filed",
}


class IncidentError(ValueError):
    pass


def incident_of(session: Session, ticket_id: int) -> Incident | None:
    return session.scalars(select(Incident).where(Incident.ticket_id == ticket_id)).first()


def do_open_incident(
    session: Session, ticket: Ticket, actor: Actor, reason: str, now: dt.datetime
) -> Incident | None:
    """The ticket's incident, opened once (None if it had one already)."""
    if incident_of(session, ticket.id) is not None:
        return None
    settings = get_settings(session)
    people = team_members(session, [settings.operations_team_id, settings.compliance_team_id])
    incident = Incident(
        ticket_id=ticket.id,
        reason=reason[:500],
        checklist={item.value: None for item in ChecklistItem},
        notified_user_ids=people,
        opened_at=now,
        due_at=now + dt.timedelta(hours=settings.acknowledge_hours),
    )
    session.add(incident)
    session.flush()
    if ticket.priority != Priority.P1:
        tickets.do_set_priority(session, ticket, Priority.P1, actor, reasons=[reason])
    emit(
        session,
        EventKind.INCIDENT_OPENED,
        actor,
        ticket_id=ticket.id,
        customer_id=ticket.customer_id,
        incident_id=incident.id,
        reason=incident.reason,
        due_at=incident.due_at.isoformat(),
        notify_team_ids=[
            t for t in (settings.operations_team_id, settings.compliance_team_id) if t is not None
        ],
        target_user_ids=people,
    )
    return incident


def do_check_item(
    session: Session, incident: Incident, item: ChecklistItem, done: bool, user: User, actor: Actor
) -> None:
    before = incident.checklist.get(item.value)
    if (before is not None) == done:
        return
    after = {"by": user.id, "name": user.name or user.email, "at": utcnow().isoformat()}
    # A new dict: the JSON column notices reassignment, not in-place edits.
    incident.checklist = {**incident.checklist, item.value: after if done else None}
    if all(value is not None for value in incident.checklist.values()):
        incident.closed_at = utcnow()
    elif incident.closed_at is not None:
        incident.closed_at = None
    session.flush()
    emit(
        session,
        EventKind.INCIDENT_ITEM_CHECKED,
        actor,
        ticket_id=incident.ticket_id,
        incident_id=incident.id,
        item=item.value,
        label=LABELS[item],
        done=done,
    )


def do_acknowledge(session: Session, incident: Incident, user: User, actor: Actor) -> bool:
    """False if it was acknowledged already (the first acknowledgement stands)."""
    if incident.acknowledged_at is not None:
        return False
    incident.acknowledged_at, incident.acknowledged_by = utcnow(), user.id
    session.flush()
    emit(
        session,
        EventKind.INCIDENT_ACKNOWLEDGED,
        actor,
        ticket_id=incident.ticket_id,
        incident_id=incident.id,
        late=incident.acknowledged_at > incident.due_at,
    )
    return True


def may_acknowledge(session: Session, user: User) -> bool:
    """Operations and compliance acknowledge; so does anyone who may manage escalations."""
    settings = get_settings(session)
    return user.id in team_members(
        session, [settings.operations_team_id, settings.compliance_team_id]
    )


def as_dict(incident: Incident) -> dict[str, Any]:
    return {
        "id": incident.id,
        "ticket": incident.ticket_id,
        "reason": incident.reason,
        "opened_at": incident.opened_at,
        "due_at": incident.due_at,
        "acknowledged_at": incident.acknowledged_at,
        "acknowledged_by": incident.acknowledged_by,
        "escalated_at": incident.escalated_at,
        "closed_at": incident.closed_at,
        "notified_user_ids": incident.notified_user_ids,
        "checklist": [
            {"item": item.value, "label": LABELS[item], **_done(incident.checklist.get(item.value))}
            for item in ChecklistItem
        ],
    }


def _done(value: Any) -> dict[str, Any]:
    if not value:
        return {"done": False, "by": None, "by_name": None, "at": None}
    return {
        "done": True,
        "by": value.get("by"),
        "by_name": value.get("name"),
        "at": value.get("at"),
    }
