"""Customer search and the customer page: identities, every ticket the agent may see, and the
conversation across channels on one timeline."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from minidesk.commerce.merge_suggestions import suggest
from minidesk.commerce.registry import connector_for
from minidesk.db import get_db
from minidesk.desk import access, customers
from minidesk.desk.models import Customer, Direction, Message, Ticket
from minidesk.desk.workspace import get_workspace
from minidesk.search import customers as customer_search
from minidesk.search.query import QueryError, parse
from minidesk.web.ui.merge_pages import merges_into
from minidesk.web.ui.render import page
from minidesk.web.ui.signed_in import BrowserDep

router = APIRouter(include_in_schema=False)
SHOWN = 200  # tickets and messages on the page; the API pages through the rest


@router.get("/customers", response_class=HTMLResponse)
def search(request: Request, browser: BrowserDep, q: str = "") -> Response:
    found: list[Customer] = []
    error = ""
    with get_db().sessions() as session:
        if q.strip():
            restrict = get_workspace(session).restrict_agents_to_teams
            user = session.merge(browser.user, load=False)
            try:
                query = parse(q, prefix_words=True)
            except QueryError as exc:
                error = str(exc).replace("q ", "The search ", 1)
            else:
                visible = access.visible_customers(user, restrict)
                found = customer_search.find(session, query, limit=50, visible=visible)
        return page(
            request,
            "customers.html",
            {"browser": browser, "q": q[:200], "found": found, "error": error,
             "active": "customers"},
            status_code=422 if error else 200,
        )


@router.get("/customers/{customer_id}", response_class=HTMLResponse)
def customer_page(request: Request, customer_id: int, browser: BrowserDep) -> Response:
    with get_db().sessions() as session:
        restrict = get_workspace(session).restrict_agents_to_teams
        user = session.merge(browser.user, load=False)
        try:
            found = access.access_customer(session, user, customer_id, restrict)
        except access.NotFound:
            what = f"Customer {customer_id}"
            return page(request, "not_found.html", {"browser": browser, "what": what}, 404)
        customer = customers.surviving(session, found)
        family = customers.merged_ids(session, customer)
        visible = access.visible_tickets(user, restrict)
        tickets = session.scalars(
            select(Ticket)
            .where(Ticket.customer_id.in_(family), visible)
            .options(joinedload(Ticket.assignee))
            .order_by(Ticket.id.desc())
            .limit(SHOWN)
        ).all()
        messages = session.scalars(
            select(Message)
            .join(Ticket, Ticket.id == Message.ticket_id)
            .where(Ticket.customer_id.in_(family), Message.direction != Direction.NOTE, visible)
            .options(selectinload(Message.attachments))
            .order_by(Message.id.desc())
            .limit(SHOWN)
        ).all()
        session.refresh(customer, ["identities"])
        may_merge = access.has(user, access.Permission.MERGE_CUSTOMERS)
        return page(
            request,
            "customer.html",
            {
                "browser": browser,
                "customer": customer,
                "tickets": tickets,
                "messages": list(reversed(messages)),
                "may_merge": may_merge,
                "merges": merges_into(session, customer) if may_merge else [],
                # Who shares a phone or email with them (orders included), each one click
                # from the merge form; only customers this lead serves.
                "suggestions": suggest(
                    session,
                    connector_for(session),
                    customer,
                    access.visible_customers(user, restrict),
                )
                if may_merge
                else [],
                "active": "customers",
            },
        )
