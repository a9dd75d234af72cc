"""The workspace's search: the box in the header finds tickets (or customers) by their words,
best match first, each with the passage that matched."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from minidesk.db import get_db
from minidesk.desk import access
from minidesk.desk.models import Customer, Ticket
from minidesk.desk.workspace import get_workspace
from minidesk.search import customers as customer_search
from minidesk.search import tickets as ticket_search
from minidesk.search.query import Query as SearchQuery
from minidesk.search.query import QueryError, parse
from minidesk.web.pagination import MAX_OFFSET
from minidesk.web.ui.render import page
from minidesk.web.ui.signed_in import BrowserDep

router = APIRouter(include_in_schema=False)
SHOWN = 50
TYPES = ("tickets", "customers")


@dataclass(frozen=True)
class Hit:
    href: str
    title: str
    detail: str  # status or contact
    snippet: str  # HTML-escaped, matches in <mark>


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    browser: BrowserDep,
    q: Annotated[str, Query(max_length=2000)] = "",
    type: str = "tickets",
    start: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> Response:
    kind = type if type in TYPES else "tickets"
    hits: list[Hit] = []
    error, more = "", False
    with get_db().sessions() as session:
        if q.strip():
            restrict = get_workspace(session).restrict_agents_to_teams
            user = session.merge(browser.user, load=False)
            try:
                query = parse(q, prefix_words=kind == "customers")
            except QueryError as exc:
                error = str(exc).replace("q ", "The search ", 1)
            else:
                if kind == "tickets":
                    numbers = ticket_search.ranked_ids(
                        session, query, [access.visible_tickets(user, restrict)],
                        private=True, limit=SHOWN + 1, offset=start,
                    )  # fmt: skip
                    hits = _tickets(session, query, numbers[:SHOWN])
                    more = len(numbers) > SHOWN
                else:
                    found = customer_search.find(
                        session, query, limit=SHOWN + 1, offset=start,
                        visible=access.visible_customers(user, restrict),
                    )  # fmt: skip
                    hits = _customers(session, query, found[:SHOWN])
                    more = len(found) > SHOWN
        return page(
            request,
            "search.html",
            {
                "browser": browser,
                "q": q[:500],
                "type": kind,
                "hits": hits,
                "error": error,
                "start": start,
                "next_start": start + SHOWN if more and start + SHOWN <= MAX_OFFSET else None,
            },
            status_code=422 if error else 200,
        )


def _tickets(session: Session, query: SearchQuery, numbers: list[int]) -> list[Hit]:
    snippets = ticket_search.snippets(session, query, numbers, private=True)
    rows = {
        t.id: t
        for t in session.scalars(
            select(Ticket).where(Ticket.id.in_(numbers)).options(joinedload(Ticket.customer))
        )
    }
    return [
        Hit(
            href=f"/tickets/{n}",
            title=f"#{n} {rows[n].subject or '(no subject)'}",
            detail=f"{rows[n].status} · {_name(rows[n].customer)}",
            snippet=snippets.get(n, ""),
        )
        for n in numbers
        if n in rows
    ]


def _customers(session: Session, query: SearchQuery, found: list[Customer]) -> list[Hit]:
    snippets = customer_search.snippets(session, query, [c.id for c in found])
    return [
        Hit(
            href=f"/customers/{c.id}",
            title=_name(c),
            detail=" · ".join(v for v in (c.email, c.phone) if v),
            snippet=snippets.get(c.id, ""),
        )
        for c in found
    ]


def _name(customer: Customer) -> str:
    return customer.name or customer.email or customer.phone or f"Customer {customer.id}"
