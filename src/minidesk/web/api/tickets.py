"""Tickets: list with filters, detail, changes, messages, timeline."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import exists, select
from sqlalchemy.orm import selectinload

from minidesk import events
from minidesk.channels.kinds import ReplyRefused
from minidesk.channels.whatsapp.window import TEMPLATE as WHATSAPP_TEMPLATE
from minidesk.channels.whatsapp.window import reply_window, template_text
from minidesk.db import commit
from minidesk.desk import access, tickets
from minidesk.desk.changes import TicketChanges, UnknownReference, do_change_ticket
from minidesk.desk.messages import MessageError, MessageType, do_reply
from minidesk.desk.models import Message, Priority, Status, Ticket, TicketTag
from minidesk.desk.teams import check_ticket_team
from minidesk.desk.users import actor_of
from minidesk.search import tickets as ticket_search
from minidesk.sla.state import sla_of
from minidesk.ticket_fields.values import FieldValueError, check_ticket_update
from minidesk.web.api import PREFIX
from minidesk.web.api.message_docs import message_page
from minidesk.web.api.search_params import created_between, parsed
from minidesk.web.deps import CallerDep, SessionDep, UserDep, WorkspaceDep, WriteSessionDep
from minidesk.web.pagination import (
    MAX_LIMIT,
    Page,
    decode_cursor,
    decode_offset,
    encode_offset,
    paginate,
)
from minidesk.web.problems import Problem
from minidesk.web.schemas import (
    EventOut,
    MessageIn,
    MessageOut,
    ReplyWindowOut,
    TicketOut,
    TicketPatch,
)

router = APIRouter(prefix=f"{PREFIX}/tickets", tags=["tickets"])
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]


@router.get("", response_model=Page[TicketOut])
def list_tickets(
    session: SessionDep,
    user: UserDep,
    caller: CallerDep,
    workspace: WorkspaceDep,
    status: Annotated[list[Status] | None, Query()] = None,
    priority: Annotated[list[Priority] | None, Query()] = None,
    assignee: Annotated[str | None, Query(description="user id, `me` or `none`")] = None,
    team: int | None = None,
    tag: str | None = None,
    intent: str | None = None,
    channel: Annotated[
        str | None, Query(description="a channel kind (`email`) or a channel id (`3`)")
    ] = None,
    customer: int | None = None,
    created_after: Annotated[
        dt.datetime | None, Query(description="opened at or after (ISO 8601)")
    ] = None,
    created_before: Annotated[dt.datetime | None, Query(description="opened before")] = None,
    q: Annotated[
        str | None,
        Query(
            description='full text in subjects and messages: words, "a phrase", `refun*`, '
            "`-word`; results are ranked by relevance (docs/search.md)"
        ),
    ] = None,
    limit: Limit = 25,
    cursor: str | None = None,
) -> Page[TicketOut]:
    conditions = [access.visible_tickets(user, workspace.restrict_agents_to_teams)]
    if status:
        conditions.append(Ticket.status.in_(status))
    if priority:
        conditions.append(Ticket.priority.in_(priority))
    if assignee == "me":
        conditions.append(Ticket.assignee_id == user.id)
    elif assignee == "none":
        conditions.append(Ticket.assignee_id.is_(None))
    elif assignee is not None:
        if not assignee.isdigit():
            raise Problem(422, "assignee must be a user id, 'me' or 'none'")
        conditions.append(Ticket.assignee_id == int(assignee))
    for column, value in (
        (Ticket.team_id, team),
        (Ticket.intent, intent),
        (Ticket.customer_id, customer),
    ):
        if value is not None:
            conditions.append(column == value)
    if channel is not None:
        by_id = channel.isdigit()
        conditions.append(Ticket.channel_id == int(channel) if by_id else Ticket.channel == channel)
    if tag:
        conditions.append(
            exists().where(TicketTag.ticket_id == Ticket.id, TicketTag.tag == tag.lower())
        )
    conditions.extend(created_between(created_after, created_before))
    if q is not None and q.strip():
        query = parsed(q)
        offset = decode_offset(cursor)
        private = access.searches_notes(caller.kind)
        numbers = ticket_search.ranked_ids(
            session, query, conditions, private=private, limit=limit + 1, offset=offset,
            # One customer's or one agent's tickets: few, so the search starts from them.
            selective=customer is not None or assignee not in (None, "none"),
            filtered=len(conditions) > 1,  # more than who may see what
        )  # fmt: skip
        rows = _load(session, numbers)
        page = paginate(rows, limit, TicketOut)
        page.next_cursor = encode_offset(offset + limit) if len(rows) > limit else None
    else:
        query_rows = (
            select(Ticket)
            .where(*conditions)
            .options(selectinload(Ticket.tag_rows), selectinload(Ticket.assignee))
            .order_by(Ticket.id.desc())
            .limit(limit + 1)
        )
        if below := decode_cursor(cursor):
            query_rows = query_rows.where(Ticket.id < below)
        page = paginate(list(session.scalars(query_rows)), limit, TicketOut)
    slas = sla_of(session, [item.number for item in page.items])
    for item in page.items:
        item.sla = slas[item.number]
    return page


def _load(session: SessionDep, numbers: list[int]) -> list[Ticket]:
    """The tickets ``numbers`` names, in that (ranked) order."""
    loaded = {
        ticket.id: ticket
        for ticket in session.scalars(
            select(Ticket)
            .where(Ticket.id.in_(numbers))
            .options(selectinload(Ticket.tag_rows), selectinload(Ticket.assignee))
        )
    }
    return [loaded[number] for number in numbers if number in loaded]


def _with_sla(session: SessionDep | WriteSessionDep, ticket: Ticket) -> TicketOut:
    out = TicketOut.model_validate(ticket)
    out.sla = sla_of(session, [ticket.id])[ticket.id]
    window = reply_window(session, ticket)
    out.reply_window = ReplyWindowOut(
        channel=window.channel, open=window.open, closes_at=window.closes_at
    )
    return out


@router.get("/{number}", response_model=TicketOut)
def get_ticket(
    number: int, session: SessionDep, user: UserDep, workspace: WorkspaceDep
) -> TicketOut:
    ticket = access.access_ticket(session, user, number, workspace.restrict_agents_to_teams)
    return _with_sla(session, ticket)


@router.patch("/{number}", response_model=TicketOut)
def update_ticket(
    number: int, body: TicketPatch, session: WriteSessionDep, user: UserDep, workspace: WorkspaceDep
) -> TicketOut:
    """Change status, priority, tier, assignee, team, intent, tags or custom fields; each change is
    an event on the ticket's timeline naming you. ``custom_fields`` are checked against
    `/api/v1/ticket-fields` (null clears one); solving needs every field required to solve."""
    ticket = access.access_ticket(session, user, number, workspace.restrict_agents_to_teams)
    changes = body.model_dump()
    try:
        changes["custom_fields"] = check_ticket_update(
            session, ticket, body.status, body.custom_fields
        )
        check_ticket_team(session, user, ticket, body.team_id, workspace.restrict_agents_to_teams)
        do_change_ticket(session, ticket, TicketChanges(**changes), actor_of(user))
    except FieldValueError as exc:
        raise field_problem(exc) from exc
    except UnknownReference as exc:
        raise Problem(422, str(exc)) from exc
    except tickets.TicketChangeError as exc:
        raise Problem(409, str(exc), slug="invalid-change") from exc
    commit(session)
    return _with_sla(session, ticket)


def field_problem(exc: FieldValueError) -> Problem:
    """422 naming each refused custom field (``custom_fields.<key>``) and why."""
    errors = [{"field": field, "message": message} for field, message in exc.errors]
    return Problem(422, str(exc), slug=exc.slug, errors=errors)


@router.get("/{number}/messages", response_model=Page[MessageOut])
def list_messages(
    number: int,
    session: SessionDep,
    user: UserDep,
    workspace: WorkspaceDep,
    limit: Limit = 100,
    cursor: str | None = None,
) -> Page[MessageOut]:
    """Messages oldest first, as the conversation reads."""
    ticket = access.access_ticket(session, user, number, workspace.restrict_agents_to_teams)
    after = decode_cursor(cursor)
    rows = list(
        session.scalars(
            select(Message)
            .where(Message.ticket_id == ticket.id, Message.id > after)
            .options(selectinload(Message.attachments))
            .order_by(Message.id)
            .limit(limit + 1)
        )
    )
    return message_page(session, rows, limit)


@router.post("/{number}/messages", status_code=201, response_model=MessageOut)
def add_message(
    number: int, body: MessageIn, session: WriteSessionDep, user: UserDep, workspace: WorkspaceDep
) -> Message:
    """A reply goes to the customer through the ticket's channel; a note stays internal."""
    ticket = access.access_ticket(session, user, number, workspace.restrict_agents_to_teams)
    try:
        check_ticket_update(session, ticket, body.status, None)
    except FieldValueError as exc:
        raise field_problem(exc) from exc
    template = body.whatsapp_template.model_dump() if body.whatsapp_template else None
    text = body.text
    if template is not None and not text.strip():
        text = template_text(template)
    try:
        message = do_reply(
            session,
            ticket,
            text,
            actor_of(user),
            author=user,
            html=body.html,
            kind=MessageType(body.type),
            status=body.status,
            meta={WHATSAPP_TEMPLATE: template} if template else None,
        )
    except ReplyRefused as exc:  # the channel cannot send it now: say which rule, precisely
        raise Problem(409, str(exc), slug=exc.slug) from exc
    except (MessageError, tickets.TicketChangeError) as exc:
        raise Problem(409 if "closed" in str(exc) else 422, str(exc)) from exc
    commit(session)
    return message


@router.get("/{number}/timeline", response_model=Page[EventOut])
def ticket_timeline(
    number: int,
    session: SessionDep,
    user: UserDep,
    workspace: WorkspaceDep,
    limit: Limit = 100,
    cursor: str | None = None,
) -> Page[EventOut]:
    """Every event on the ticket, oldest first: who did what, before and after, and why."""
    ticket = access.access_ticket(session, user, number, workspace.restrict_agents_to_teams)
    rows = events.timeline(
        session, ticket_id=ticket.id, after_id=decode_cursor(cursor), limit=limit + 1
    )
    return paginate(rows, limit, EventOut)
