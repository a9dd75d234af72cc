"""Sending a template as a reply on a ticket: the ticket's own tokens, then ``do_reply``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from minidesk.desk.messages import MessageType, do_reply, reply_channel
from minidesk.desk.models import Message, Status, Ticket, User
from minidesk.desk.workspace import get_workspace
from minidesk.events import Actor
from minidesk.replies.languages import TEAM
from minidesk.replies.locale import DEFAULT_LANGUAGE as ENGLISH
from minidesk.replies.nameless import UNKNOWN
from minidesk.replies.render import Rendered, render


def context_for(session: Session, ticket: Ticket, author: User | None = None) -> dict[str, Any]:
    """The tokens every ticket can fill by itself (``tokens.AUTOMATIC``): a name nobody
    knows is ``nameless.UNKNOWN``, mended once rendered ("Hi there,", "Thanks."), and our
    signature ("The shop team") is translated with the template."""
    shop = get_workspace(session).name
    full_name = (ticket.customer.name or "").strip()
    agent = (
        (author.name or author.email.split("@")[0]) if author else TEAM[ENGLISH].format(shop=shop)
    )
    return {
        "customer_name": full_name.split()[0] if full_name else UNKNOWN,
        "customer_full_name": full_name or UNKNOWN,
        "ticket_number": str(ticket.id),
        "agent_name": agent,
        "shop_name": shop,
    }


def render_for_ticket(
    session: Session,
    ticket: Ticket,
    key: str,
    *,
    variables: Mapping[str, Any] | None = None,
    author: User | None = None,
    language: str | None = None,
) -> Rendered:
    context = {**context_for(session, ticket, author), **(variables or {})}
    return render(
        session,
        key,
        # Rendered for where it will go: the channel the customer last wrote on.
        channel=reply_channel(session, ticket)[0],
        context=context,
        ticket_id=ticket.id,
        language=language,
    )


def do_send_template(
    session: Session,
    ticket: Ticket,
    key: str,
    actor: Actor,
    *,
    variables: Mapping[str, Any] | None = None,
    author: User | None = None,
    kind: MessageType = MessageType.REPLY,
    status: Status | None = None,
    language: str | None = None,
) -> Message:
    """Render ``key`` for the ticket's channel (in ``language`` where it can) and reply with
    it through the outbox; template, variant and language are recorded in ``Message.meta``.
    ``Money`` and date values are formatted for the language. Raises ``RenderError``."""
    rendered = render_for_ticket(
        session, ticket, key, variables=variables, author=author, language=language
    )
    return do_reply(
        session,
        ticket,
        rendered.text,
        actor,
        author=author,
        html=rendered.html,
        kind=kind,
        status=status,
        meta=rendered.meta,
    )
