"""The ticket page's customer panel: every identity of the customer with its verified state,
their other tickets the agent may open (team restriction applies: a ticket the agent may not
open is not listed, so its subject never shows) and their tags, edited from the panel. Two
bounded queries whatever the customer's history; the orders are the order panel's."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.db import commit, get_db
from minidesk.desk import access
from minidesk.desk.customer_tags import CustomerTagError, do_set_customer_tags
from minidesk.desk.models import CustomerIdentity, IdentityKind, Ticket
from minidesk.desk.users import actor_of
from minidesk.desk.workspace import get_workspace
from minidesk.web.ui import forms
from minidesk.web.ui.render import redirect
from minidesk.web.ui.signed_in import Browser, BrowserDep
from minidesk.web.ui.ticket_access import ticket_not_found, visible_ticket

router = APIRouter(include_in_schema=False)
OTHER_TICKETS = 10  # the most recently updated; the customer page lists every one
IDENTITY_LABELS = {
    IdentityKind.EMAIL: "Email",
    IdentityKind.PHONE: "Phone",
    IdentityKind.CHAT: "Chat",
    IdentityKind.EXTERNAL: "App",
}


def customer_panel(session: Session, browser: Browser, ticket: Ticket) -> dict[str, Any]:
    identities = session.scalars(
        select(CustomerIdentity)
        .where(CustomerIdentity.customer_id == ticket.customer_id)
        .order_by(CustomerIdentity.kind, CustomerIdentity.id)
    ).all()
    restrict = get_workspace(session).restrict_agents_to_teams
    user = session.merge(browser.user, load=False)
    # Columns, not whole tickets: the panel needs five of them and nothing related.
    others = session.execute(
        select(Ticket.id, Ticket.subject, Ticket.status, Ticket.channel, Ticket.updated_at)
        .where(
            Ticket.customer_id == ticket.customer_id,
            Ticket.id != ticket.id,
            access.visible_tickets(user, restrict),
        )
        .order_by(Ticket.updated_at.desc(), Ticket.id.desc())
        .limit(OTHER_TICKETS + 1)
    ).all()
    return {
        "identities": identities,
        "identity_labels": IDENTITY_LABELS,
        "other_tickets": others[:OTHER_TICKETS],
        "more_other_tickets": len(others) > OTHER_TICKETS,
        "customer_tags": sorted(str(tag) for tag in ticket.customer.tags or []),
    }


@router.post("/tickets/{number}/customer-tags")
def change_customer_tags(
    request: Request,
    number: int,
    browser: BrowserDep,
    csrf: Annotated[str, Form(max_length=100)] = "",
    add_tags: Annotated[str, Form(max_length=500)] = "",
    remove_tags: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """The ticket's customer's tags, for whoever may open the ticket (they serve the
    customer through it, as ``PATCH /api/v1/customers/{id}`` allows)."""
    browser.check(csrf)
    with get_db().write_sessions() as session:
        ticket = visible_ticket(session, browser, number)
        if ticket is None:
            return ticket_not_found(request, browser, number)
        actor = actor_of(browser.user)
        try:
            done = do_set_customer_tags(
                session, ticket.customer, forms.tags(add_tags), forms.tags(remove_tags), actor
            )
        except CustomerTagError as exc:
            return redirect(f"/tickets/{number}", f"Customer tags not changed: {exc}")
        commit(session)
    return redirect(f"/tickets/{number}", "Customer tags saved." if done else "No tag changed.")
