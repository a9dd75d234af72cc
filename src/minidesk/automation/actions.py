"""Named actions a rule can take. Each has a parameter model, an optional save-time check
against the workspace's data (the team exists, the template's tokens can be filled, the
resolution is registered), and a run function that changes state through the ``do_*``
functions and returns what it changed, for the ``rule.fired`` event.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, HttpUrl
from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk import replies
from minidesk.automation import webhook
from minidesk.automation.facts import Facts
from minidesk.desk import tickets
from minidesk.desk.messages import MessageType, do_reply
from minidesk.desk.models import Priority, Status, Team, Ticket, User
from minidesk.desk.tickets import MAX_TIER
from minidesk.event_kinds import EventKind
from minidesk.events import Actor, changed, emit
from minidesk.replies.store import get_spec
from minidesk.replies.tokens import AUTOMATIC
from minidesk.webhooks.checks import WebhookUrlError, check_webhook_url

Changes = dict[str, Any]

# Resolution flows (refund offer, tracking, cancel …) register here by name, e.g.
# ``resolution_runners["order_status"] = run_order_status``. A runner changes state through
# its own ``do_*`` functions in the caller's transaction (never commits) and returns what it
# did; raising aborts the whole rule firing.
ResolutionRunner = Callable[[Session, Ticket, Actor, Mapping[str, Any]], Mapping[str, Any] | None]
resolution_runners: dict[str, ResolutionRunner] = {}


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: str


@dataclass(frozen=True)
class Action:
    name: str
    params: type[Params]
    run: Callable[[Facts, Actor, Any], Changes]
    check: Callable[[Session, Any], list[tuple[str, str]]] | None
    doc: str


ACTIONS: dict[str, Action] = {}
P = TypeVar("P", bound=Params)
Check = Callable[[Session, Any], list[tuple[str, str]]]


def action(
    name: str, params: type[P], check: Check | None = None
) -> Callable[[Callable[[Facts, Actor, P], Changes]], Callable[[Facts, Actor, P], Changes]]:
    def register(fn: Callable[[Facts, Actor, P], Changes]) -> Callable[[Facts, Actor, P], Changes]:
        ACTIONS[name] = Action(name, params, fn, check, (fn.__doc__ or "").strip())
        return fn

    return register


class StatusParams(Params):
    status: Status


class PriorityParams(Params):
    priority: Priority


class TeamParams(Params):
    team: str = Field(min_length=1, max_length=100)


class AssignParams(Params):
    user: str | None = Field(None, description="email of an active user; null unassigns")


class TierParams(Params):
    tier: int = Field(ge=1, le=MAX_TIER)


class TagsParams(Params):
    tags: list[str] = Field(min_length=1, max_length=50)


class ReplyParams(Params):
    template: str
    variables: dict[str, str] = Field(default_factory=dict)
    status: Status | None = None


class ResolutionParams(Params):
    resolution: str
    params: dict[str, Any] = Field(default_factory=dict)


class EscalateParams(Params):
    tag: str = "escalated"
    note: str = Field("", max_length=2000)


class NotifyParams(Params):
    note: str = Field(min_length=1, max_length=2000)
    users: list[str] = Field(default_factory=list, description="emails to notify")


class WebhookParams(Params):
    url: HttpUrl


def _team(session: Session, name: str) -> Team | None:
    return session.scalars(select(Team).where(Team.name == name)).first()


def _user(session: Session, email: str) -> User | None:
    return session.scalars(select(User).where(User.email == email.lower(), User.active)).first()


def _check_team(session: Session, p: TeamParams) -> list[tuple[str, str]]:
    return [] if _team(session, p.team) else [("team", f"no team named {p.team!r}")]


def _check_assign(session: Session, p: AssignParams) -> list[tuple[str, str]]:
    if p.user is None or _user(session, p.user):
        return []
    return [("user", f"no active user {p.user!r}")]


def _check_reply(session: Session, p: ReplyParams) -> list[tuple[str, str]]:
    spec = get_spec(session, p.template)
    if spec is None:
        return [("template", f"no enabled template {p.template!r}")]
    missing = sorted(spec.used_tokens() - AUTOMATIC - set(p.variables))
    if missing:
        return [
            (
                "variables",
                f"template {p.template!r} needs {', '.join(missing)}, which a rule cannot "
                "fill from the ticket; give them in variables",
            )
        ]
    return []


def _check_resolution(session: Session, p: ResolutionParams) -> list[tuple[str, str]]:
    if p.resolution in resolution_runners:
        return []
    known = ", ".join(sorted(resolution_runners)) or "none registered"
    return [("resolution", f"no resolution {p.resolution!r}; known: {known}")]


def _check_notify(session: Session, p: NotifyParams) -> list[tuple[str, str]]:
    return [("users", f"no active user {u!r}") for u in p.users if _user(session, u) is None]


@action("set_status", StatusParams)
def _set_status(facts: Facts, actor: Actor, p: StatusParams) -> Changes:
    """Set the ticket's status."""
    before = facts.ticket.status
    tickets.do_set_status(facts.session, facts.ticket, p.status, actor, why=actor.name)
    return {"status": changed(before, p.status)}


@action("set_priority", PriorityParams)
def _set_priority(facts: Facts, actor: Actor, p: PriorityParams) -> Changes:
    """Set the ticket's priority (P1-P4)."""
    before = facts.ticket.priority
    tickets.do_set_priority(facts.session, facts.ticket, p.priority, actor, reasons=[actor.name])
    return {"priority": changed(before, p.priority)}


@action("set_team", TeamParams, _check_team)
def _set_team(facts: Facts, actor: Actor, p: TeamParams) -> Changes:
    """Move the ticket to the team named ``team``."""
    before = facts.ticket.team_id
    tickets.do_set_team(facts.session, facts.ticket, _team(facts.session, p.team), actor)
    return {"team_id": changed(before, facts.ticket.team_id)}


@action("assign", AssignParams, _check_assign)
def _assign(facts: Facts, actor: Actor, p: AssignParams) -> Changes:
    """Assign the ticket to the user with email ``user`` (null: unassign)."""
    before = facts.ticket.assignee_id
    user = _user(facts.session, p.user) if p.user else None
    if p.user and user is None:
        raise LookupError(f"user {p.user} is no longer active")
    tickets.do_assign(facts.session, facts.ticket, user, actor)
    return {"assignee_id": changed(before, facts.ticket.assignee_id)}


@action("set_tier", TierParams)
def _set_tier(facts: Facts, actor: Actor, p: TierParams) -> Changes:
    """Set the support tier (1-3)."""
    before = facts.ticket.tier
    tickets.do_set_tier(facts.session, facts.ticket, p.tier, actor, why=actor.name)
    return {"tier": changed(before, p.tier)}


@action("add_tags", TagsParams)
def _add_tags(facts: Facts, actor: Actor, p: TagsParams) -> Changes:
    """Add ``tags`` to the ticket."""
    tickets.do_set_tags(facts.session, facts.ticket, p.tags, [], actor)
    return {"tags_added": p.tags}


@action("remove_tags", TagsParams)
def _remove_tags(facts: Facts, actor: Actor, p: TagsParams) -> Changes:
    """Remove ``tags`` from the ticket."""
    tickets.do_set_tags(facts.session, facts.ticket, [], p.tags, actor)
    return {"tags_removed": p.tags}


@action("reply", ReplyParams, _check_reply)
def _reply(facts: Facts, actor: Actor, p: ReplyParams) -> Changes:
    """Reply to the customer with ``template`` (tokens from the ticket plus ``variables``),
    optionally setting ``status``; the variant is recorded on the message."""
    message = replies.do_send_template(
        facts.session, facts.ticket, p.template, actor, variables=p.variables, status=p.status
    )
    return {"message_id": message.id, **message.meta}


@action("run_resolution", ResolutionParams, _check_resolution)
def _run_resolution(facts: Facts, actor: Actor, p: ResolutionParams) -> Changes:
    """Run the registered resolution flow ``resolution`` with ``params``."""
    runner = resolution_runners.get(p.resolution)
    if runner is None:
        raise LookupError(f"resolution {p.resolution!r} is no longer registered")
    result = runner(facts.session, facts.ticket, actor, p.params)
    return {"resolution": p.resolution, "result": dict(result or {})}


@action("escalate", EscalateParams)
def _escalate(facts: Facts, actor: Actor, p: EscalateParams) -> Changes:
    """Raise the tier by one (at most 3), add ``tag``, and leave an internal note."""
    ticket = facts.ticket
    before = ticket.tier
    tickets.do_set_tier(
        facts.session, ticket, min(ticket.tier + 1, MAX_TIER), actor, why=actor.name
    )
    tickets.do_set_tags(facts.session, ticket, [p.tag], [], actor)
    note = f"Escalated by {actor.name}" + (f": {p.note}" if p.note else ".")
    do_reply(facts.session, ticket, note, actor, kind=MessageType.NOTE)
    return {"tier": changed(before, ticket.tier), "tags_added": [p.tag], "note": note}


@action("notify", NotifyParams, _check_notify)
def _notify(facts: Facts, actor: Actor, p: NotifyParams) -> Changes:
    """Leave an internal note and emit ``notification.requested`` for ``users``."""
    message = do_reply(facts.session, facts.ticket, p.note, actor, kind=MessageType.NOTE)
    user_ids = [u.id for email in p.users if (u := _user(facts.session, email)) is not None]
    emit(
        facts.session,
        EventKind.NOTIFICATION_REQUESTED,
        actor,
        ticket_id=facts.ticket.id,
        customer_id=facts.ticket.customer_id,
        message_id=message.id,
        user_ids=user_ids,
        note=p.note,
    )
    return {"note_id": message.id, "user_ids": user_ids}


def _check_webhook(session: Session, p: WebhookParams) -> list[tuple[str, str]]:
    try:
        check_webhook_url(str(p.url))
    except WebhookUrlError as exc:
        return [("url", str(exc))]
    return []


@action("webhook", WebhookParams, _check_webhook)
def _webhook(facts: Facts, actor: Actor, p: WebhookParams) -> Changes:
    """POST a signed JSON summary of the ticket and event to ``url`` (via the outbox)."""
    item = webhook.enqueue(facts.session, str(p.url), facts.ticket, facts.event, actor)
    return {"outbox_id": item.id, "url": str(p.url)}
