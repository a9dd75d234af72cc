"""The ticket page: the conversation and every automatic action in one timeline (with the
reasoning behind each decision), the reply and note composer, the ticket's properties and the
customer's order panel. The panel's forms live in ``action_pages``, the composer's helpers in
``composer_pages``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from minidesk import events
from minidesk.channels import deliveries
from minidesk.channels.whatsapp.window import TEMPLATE as WHATSAPP_TEMPLATE
from minidesk.channels.whatsapp.window import template_reply, template_text
from minidesk.db import commit, get_db
from minidesk.desk import tickets
from minidesk.desk.changes import do_change_ticket
from minidesk.desk.mentions import do_notify_mentioned, find_mentions, handle_of
from minidesk.desk.messages import MessageError, MessageType, do_reply
from minidesk.desk.models import Message, Priority, Role, Status, Team, Ticket, User
from minidesk.desk.teams import check_ticket_team, visible_teams
from minidesk.desk.users import actor_of
from minidesk.desk.workspace import get_workspace
from minidesk.event_kinds import EventKind
from minidesk.replies.store import get_spec
from minidesk.routing.accept import accept_on_open
from minidesk.ticket_fields.values import FieldValueError, check_ticket_update
from minidesk.web.ui import forms, uploads
from minidesk.web.ui.composer_pages import composer_context, preview
from minidesk.web.ui.customer_panel import customer_panel
from minidesk.web.ui.escalation_pages import escalation_panel
from minidesk.web.ui.field_pages import field_panel, refused
from minidesk.web.ui.kb_panel import kb_panel
from minidesk.web.ui.order_panel import order_panel
from minidesk.web.ui.reasoning import Reasoning, explain
from minidesk.web.ui.render import page, redirect
from minidesk.web.ui.signed_in import Browser, BrowserDep
from minidesk.web.ui.ticket_access import ticket_not_found, visible_ticket

router = APIRouter(include_in_schema=False)
TIMELINE_LIMIT = 500
# The names these had here before ``ticket_access`` took them, for pages written against them.
_visible, _not_found = visible_ticket, ticket_not_found


@router.get("/tickets/{number}", response_class=HTMLResponse)
def ticket_page(
    request: Request, number: int, browser: BrowserDep, template: str = "", article: int = 0
) -> Response:
    """``template`` pre-fills the composer with that template, ``article`` with a suggested
    article (the no-script ways to insert)."""
    with get_db().sessions() as session:
        ticket = visible_ticket(session, browser, number)
        if ticket is None:
            return ticket_not_found(request, browser, number)
        # Opening a ticket routing gave you accepts it: it will not be re-routed.
        accept_on_open(session, ticket.id, browser.user.id)
        context = _context(session, browser, ticket)
        context |= order_panel(session, ticket) | composer_context(session, ticket)
        context |= customer_panel(session, browser, ticket) | field_panel(session)
        context |= escalation_panel(session, ticket, session.merge(browser.user, load=False))
        context |= kb_panel(session, ticket, article)
        if template:
            author = session.merge(browser.user, load=False)
            about = context["about_order"]
            context["draft"] = preview(session, ticket, author, template[:64], about)
        return page(request, "ticket.html", context)


def _context(session: Session, browser: Browser, ticket: Ticket) -> dict[str, Any]:
    messages = session.scalars(
        select(Message)
        .where(Message.ticket_id == ticket.id)
        .options(selectinload(Message.attachments))
        .order_by(Message.id)
    ).all()
    authors = {m.author_id for m in messages if m.author_id}
    timeline = events.timeline(session, ticket_id=ticket.id, limit=TIMELINE_LIMIT)
    # Messages speak for themselves; the timeline adds what happened around them. Events
    # about a message (its triage, the bot's decision to send it) explain that message.
    happened = [event for event in timeline if event.message_id is None]
    about: dict[int, list[Reasoning]] = {}
    mentioned: dict[int, list[str]] = {}
    for event in timeline:
        if event.message_id is None:
            continue
        if event.kind == EventKind.NOTE_MENTIONED:
            mentioned[event.message_id] = list(event.data.get("names") or [])
        elif (why := explain(event)) is not None:
            about.setdefault(event.message_id, []).append(why)
    users = session.scalars(
        select(User)
        .where(User.active.is_(True))
        .options(selectinload(User.teams))
        .order_by(User.name, User.email)
    ).all()
    teams = _team_choices(session, browser, ticket)
    return {
        "browser": browser,
        "ticket": ticket,
        "entries": _interleave(list(messages), happened),
        "reasons": {event.id: why for event in happened if (why := explain(event)) is not None},
        "about_message": about,
        "mentioned": mentioned,
        # What SMS/WhatsApp providers reported: segments and cost beside the status.
        "deliveries": deliveries.for_messages(session, [m.id for m in messages]),
        "handles": [handle_of(u) for u in users if u.id != browser.user.id],
        "names": {
            user.id: user.name or user.email
            for user in session.scalars(select(User).where(User.id.in_(authors)))
        },
        "users": users,
        "colleague_about": _about(users, teams),
        "teams": teams,
        "statuses": list(Status),
        "priorities": list(Priority),
    }


def _team_choices(session: Session, browser: Browser, ticket: Ticket) -> list[Team]:
    """The teams the agent may move the ticket to (``teams.check_ticket_team``), and the one
    it is in, which a restricted agent sees on a ticket assigned to them."""
    user = session.merge(browser.user, load=False)
    choices = visible_teams(session, user, get_workspace(session).restrict_agents_to_teams)
    if ticket.team is not None and ticket.team not in choices:
        choices.append(ticket.team)
    return choices


def _about(users: Sequence[User], shown: list[Team]) -> dict[int, str]:
    """Each assignee's role (above agent) and teams, of those the page may name: who leads,
    who is in which team, when choosing whom to hand a ticket to."""
    names = {team.id for team in shown}
    about = {}
    for user in users:
        words = [] if user.role == Role.AGENT else [str(user.role)]
        words += [team.name for team in user.teams if team.id in names]
        about[user.id] = " · ".join(words)
    return about


def _interleave(messages: list[Message], happened: list[events.Event]) -> list[tuple[str, Any]]:
    entries: list[tuple[str, Any]] = [("message", m) for m in messages]
    entries += [("event", e) for e in happened]
    return sorted(entries, key=lambda entry: (entry[1].created_at, entry[0] == "event"))


@router.post("/tickets/{number}/messages")
def post_message(
    request: Request,
    number: int,
    browser: BrowserDep,
    text: Annotated[str, Form(max_length=100_000)] = "",
    type: Annotated[str, Form()] = "reply",
    status: Annotated[str, Form()] = "",
    template: Annotated[str, Form(max_length=64)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
    files: Annotated[list[UploadFile] | None, File()] = None,
    whatsapp_template: Annotated[str, Form(max_length=512)] = "",
    whatsapp_language: Annotated[str, Form(max_length=16)] = "en_US",
    parameters: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """A reply (out through the ticket's channel) or an internal note, optionally with a status.
    ``template`` records which template the text came from; @mentions in a note notify;
    ``files`` go with it (``uploads``: types, sizes, email only for customers).
    ``whatsapp_template`` (with its language and ``parameters``) sends a WhatsApp approved
    template, the one reply allowed once the 24-hour window has closed."""
    browser.check(csrf)
    with get_db().write_sessions() as session:
        ticket = visible_ticket(session, browser, number)
        if ticket is None:
            return ticket_not_found(request, browser, number)
        try:
            kind = MessageType(type)
            changes = forms.ticket_changes(status=status)
            check_ticket_update(session, ticket, changes.status, None)
            attached = uploads.read_uploads(files or [])
            uploads.check_channel(ticket.channel, kind == MessageType.NOTE, attached)
            mentions = find_mentions(session, text) if kind == MessageType.NOTE else []
            meta: dict[str, Any] = {"mentions": [u.id for u in mentions]} if mentions else {}
            if template and get_spec(session, template) is not None:
                meta["template"] = template
            if whatsapp_template:
                chosen = template_reply(whatsapp_template, whatsapp_language, parameters)
                meta[WHATSAPP_TEMPLATE], text = chosen, template_text(chosen)
            actor = actor_of(browser.user)
            message = do_reply(
                session,
                ticket,
                text,
                actor,
                author=session.merge(browser.user, load=False),
                kind=kind,
                status=changes.status,
                meta=meta,
            )
            do_notify_mentioned(session, ticket, message, mentions, actor)
            uploads.do_attach(session, message, attached)
        except FieldValueError as exc:
            return _back(number, f"Not sent: {refused(exc, {})}")
        except (ValueError, MessageError, tickets.TicketChangeError) as exc:
            return _back(number, f"Not sent: {exc}")
        commit(session)
    return _back(number, "Note added." if kind == MessageType.NOTE else "Reply queued.")


@router.post("/tickets/{number}/properties")
def change_properties(
    request: Request,
    number: int,
    browser: BrowserDep,
    csrf: Annotated[str, Form(max_length=100)] = "",
    status: Annotated[str, Form()] = "",
    priority: Annotated[str, Form()] = "",
    assignee: Annotated[str, Form()] = "",
    team: Annotated[str, Form()] = "",
    add_tags: Annotated[str, Form(max_length=500)] = "",
    remove_tags: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    browser.check(csrf)
    with get_db().write_sessions() as session:
        ticket = visible_ticket(session, browser, number)
        if ticket is None:
            return ticket_not_found(request, browser, number)
        try:
            changes = forms.ticket_changes(
                status=status if status != ticket.status else "",
                priority=priority if priority != ticket.priority else "",
                assignee=_changed_id(assignee, ticket.assignee_id),
                team=_changed_id(team, ticket.team_id),
                add_tags=add_tags,
                remove_tags=remove_tags,
            )
            check_ticket_update(session, ticket, changes.status, None)
            user = session.merge(browser.user, load=False)
            restrict = get_workspace(session).restrict_agents_to_teams
            check_ticket_team(session, user, ticket, changes.team_id, restrict)
            do_change_ticket(session, ticket, changes, actor_of(browser.user))
        except FieldValueError as exc:
            return _back(number, f"Not changed: {refused(exc, {})}")
        except (forms.FormError, tickets.TicketChangeError) as exc:
            return _back(number, f"Not changed: {exc}")
        commit(session)
    return _back(number, "Saved.")


def _changed_id(value: str, current: int | None) -> str:
    """The form always posts every select: only a different choice is a change."""
    if value == "none":
        return "none" if current is not None else ""
    return value if value and value != str(current) else ""


def _back(number: int, note: str) -> RedirectResponse:
    return redirect(f"/tickets/{number}", note)
