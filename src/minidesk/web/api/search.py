"""``GET /api/v1/search``: tickets or customers, best match first, each with a snippet of the
text that matched (HTML-escaped, matches in ``<mark>``) for a results list."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from sqlalchemy import select

from minidesk.desk import access
from minidesk.desk.models import Customer, Status, Ticket
from minidesk.search import customers as customer_search
from minidesk.search import tickets as ticket_search
from minidesk.web.api import PREFIX
from minidesk.web.api.search_params import parsed
from minidesk.web.deps import CallerDep, SessionDep, UserDep, WorkspaceDep
from minidesk.web.pagination import MAX_LIMIT, Page, decode_offset, encode_offset

router = APIRouter(prefix=f"{PREFIX}/search", tags=["search"])


class SearchType(StrEnum):
    TICKETS = "tickets"
    CUSTOMERS = "customers"


class SearchHit(BaseModel):
    type: Literal["ticket", "customer"]
    id: int = Field(description="the ticket's number or the customer's id")
    title: str = Field(description="the ticket's subject or the customer's name")
    status: Status | None = Field(description="the ticket's status (customers: null)")
    snippet: str = Field(
        description="the best passage, HTML-escaped, each matched word in <mark>...</mark>"
    )


@router.get("", response_model=Page[SearchHit])
def search(
    session: SessionDep,
    user: UserDep,
    caller: CallerDep,
    workspace: WorkspaceDep,
    q: Annotated[str, Query(description='words, "a phrase", `refun*`, `-word` (docs/search.md)')],
    type: SearchType = SearchType.TICKETS,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 25,
    cursor: str | None = None,
) -> Page[SearchHit]:
    """What you may see that ``q`` finds, best first (the ticket list's ``q`` ranks the same
    way and adds filters; this adds snippets)."""
    offset = decode_offset(cursor)
    restrict = workspace.restrict_agents_to_teams
    hits: list[SearchHit]
    if type == SearchType.TICKETS:
        query = parsed(q)
        private = access.searches_notes(caller.kind)
        visible = [access.visible_tickets(user, restrict)]
        numbers = ticket_search.ranked_ids(
            session, query, visible, private=private, limit=limit + 1, offset=offset
        )
        shown = numbers[:limit]
        snippets = ticket_search.snippets(session, query, shown, private=private)
        rows = {t.id: t for t in session.scalars(select(Ticket).where(Ticket.id.in_(shown)))}
        hits = [
            SearchHit(type="ticket", id=n, title=rows[n].subject, status=Status(rows[n].status),
                      snippet=snippets.get(n, ""))
            for n in shown
        ]  # fmt: skip
        more = len(numbers) > limit
    else:
        query = parsed(q, prefix_words=True)
        found = customer_search.find(
            session,
            query,
            limit=limit + 1,
            offset=offset,
            visible=access.visible_customers(user, restrict),
        )
        people: list[Customer] = found[:limit]
        snippets = customer_search.snippets(session, query, [c.id for c in people])
        hits = [
            SearchHit(type="customer", id=c.id, title=c.name, status=None,
                      snippet=snippets.get(c.id, ""))
            for c in people
        ]  # fmt: skip
        more = len(found) > limit
    return Page[SearchHit](items=hits, next_cursor=encode_offset(offset + limit) if more else None)
