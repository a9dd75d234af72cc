"""Escalating a ticket: the tier it goes to, who hears of it, and why, recorded as an
``Escalation`` row and a ``ticket.escalated`` (or ``ticket.deescalated``) event on its
timeline. The event is the in-app notice: the realtime stream carries it to every agent who
can see the ticket, and its ``target_user_ids`` name the people it is for."""

from __future__ import annotations

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from minidesk.desk import tickets
from minidesk.desk.models import Role, TeamMember, Ticket, User
from minidesk.escalation.models import (
    Escalation,
    EscalationRule,
    EscalationSettings,
    TargetKind,
)
from minidesk.event_kinds import EventKind
from minidesk.events import Actor, emit


class EscalationError(ValueError):
    """An escalation that cannot be made (same tier, nobody to hand to): a 422 in the API."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


def _active(session: Session, *conditions: ColumnElement[bool]) -> list[int]:
    query = select(User.id).where(User.active.is_(True), *conditions).order_by(User.id)
    return list(session.scalars(query))


def team_members(session: Session, team_ids: list[int | None]) -> list[int]:
    ids = [team for team in team_ids if team is not None]
    if not ids:
        return []
    members = select(TeamMember.user_id).where(TeamMember.team_id.in_(ids))
    return _active(session, User.id.in_(members))


def people_for(session: Session, ticket: Ticket, target: TargetKind) -> tuple[list[int], str]:
    """(user ids, a few words for the reason) for a target. A team without a lead, or a desk
    without managers, goes one level up rather than to nobody."""
    if target == TargetKind.TEAM_LEAD and ticket.team_id is not None:
        members = select(TeamMember.user_id).where(TeamMember.team_id == ticket.team_id)
        leads = _active(session, User.role == Role.LEAD, User.id.in_(members))
        if leads:
            return leads, "the team lead"
    if target in (TargetKind.TEAM_LEAD, TargetKind.SENIOR_MANAGER):
        managers = _active(session, User.role == Role.MANAGER)
        if managers:
            label = "a senior manager" if target == TargetKind.SENIOR_MANAGER else "a manager"
            return managers, label + ("" if target != TargetKind.TEAM_LEAD else " (no team lead)")
        return _active(session, User.role == Role.ADMIN), "an admin (no manager)"
    if target == TargetKind.INCIDENT:
        settings = get_settings(session)
        teams = [settings.operations_team_id, settings.compliance_team_id]
        return team_members(session, teams), "operations and compliance"
    return [], f"tier {ticket.tier}"


def get_settings(session: Session) -> EscalationSettings:
    settings = session.get(EscalationSettings, 1)
    if settings is None:
        settings = EscalationSettings(id=1, acknowledge_hours=24)
        session.add(settings)
        session.flush()
    return settings


def do_escalate(
    session: Session,
    ticket: Ticket,
    actor: Actor,
    *,
    tier: int,
    target: TargetKind,
    reason: str,
    note: str = "",
    rule: EscalationRule | None = None,
    to: User | None = None,
) -> Escalation:
    """Move ``ticket`` to ``tier`` for ``target`` (or the named agent ``to``), saying why."""
    before = ticket.tier
    if to is not None:
        if not to.active:
            raise EscalationError("to", f"user {to.email} is deactivated")
        people, label = [to.id], to.name or to.email
    else:
        people, label = people_for(session, ticket, target)
    # By hand, a move must move something; a rule or the sweeper may re-notify at one tier.
    if tier == before and to is None and not actor.automated:
        raise EscalationError("tier", f"the ticket is already at tier {tier}")
    tickets.do_set_tier(session, ticket, tier, actor, why=reason)
    if to is not None:
        tickets.do_assign(session, ticket, to, actor)
    escalation = Escalation(
        ticket_id=ticket.id,
        rule_id=rule.id if rule is not None else None,
        rule_name=rule.name if rule is not None else None,
        target=target,
        target_user_ids=people,
        tier_before=before,
        tier=tier,
        reason=reason[:500],
        note=note,
        actor_type=actor.type,
        actor_id=actor.id,
        actor_name=actor.name,
    )
    session.add(escalation)
    session.flush()
    emit(
        session,
        EventKind.TICKET_DEESCALATED if tier < before else EventKind.TICKET_ESCALATED,
        actor,
        ticket_id=ticket.id,
        customer_id=ticket.customer_id,
        escalation_id=escalation.id,
        tier_before=before,
        tier=tier,
        target=str(target),
        target_label=label,
        target_user_ids=people,
        reason=escalation.reason,
        note=note,
        rule_id=escalation.rule_id,
        rule=escalation.rule_name,
    )
    return escalation


def already_fired(session: Session, ticket_id: int, rule_id: int) -> bool:
    query = select(Escalation.id).where(
        Escalation.ticket_id == ticket_id, Escalation.rule_id == rule_id
    )
    return session.scalar(query.limit(1)) is not None


def history(session: Session, ticket_id: int) -> list[Escalation]:
    query = select(Escalation).where(Escalation.ticket_id == ticket_id).order_by(Escalation.id)
    return list(session.scalars(query))
