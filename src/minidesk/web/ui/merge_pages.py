"""Merging two customers from the customer page, and undoing a merge (leads and up, serving
both customers): the same ``desk.customers`` calls and checks as the API's merge and unmerge."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.db import commit, get_db
from minidesk.desk import access, customers
from minidesk.desk.access import Permission
from minidesk.desk.models import Customer, User
from minidesk.desk.users import actor_of
from minidesk.desk.workspace import get_workspace
from minidesk.event_kinds import EventKind
from minidesk.events import Event
from minidesk.search import customers as customer_search
from minidesk.search.query import QueryError, parse
from minidesk.web.ui.render import redirect
from minidesk.web.ui.signed_in import BrowserDep, permitted

router = APIRouter(include_in_schema=False)
SHOWN = 20


@dataclass(frozen=True)
class Merge:
    event_id: int
    source: Customer
    at: str
    by: str
    undone: bool


def merges_into(session: Session, customer: Customer) -> list[Merge]:
    """The customers merged into this one, newest first, and whether each was undone."""
    rows = session.scalars(
        select(Event)
        .where(Event.kind == EventKind.CUSTOMER_MERGED, Event.customer_id == customer.id)
        .order_by(Event.id.desc())
        .limit(SHOWN)
    ).all()
    sources = {
        c.id: c
        for c in session.scalars(
            select(Customer).where(Customer.id.in_([e.data["source_id"] for e in rows]))
        )
    }
    return [
        Merge(
            event.id,
            sources[event.data["source_id"]],
            event.created_at.strftime("%Y-%m-%d %H:%M"),
            event.actor_name or "",
            sources[event.data["source_id"]].merged_into_id != customer.id,
        )
        for event in rows
    ]


def name_of(customer: Customer) -> str:
    return customer.name or customer.email or customer.phone or f"Customer {customer.id}"


def _find(session: Session, user: User, restrict: bool, wanted: str) -> Customer | str:
    """The one customer ``wanted`` names (an id, or a search matching exactly one), or why
    not."""
    wanted = wanted.strip()[:200]
    if wanted.isdigit():
        try:
            return access.access_customer(session, user, int(wanted), restrict)
        except access.NotFound as exc:
            return exc.detail
    try:
        query = parse(wanted, prefix_words=True)
    except QueryError as exc:
        return f"{wanted!r} cannot be searched: {exc}; give their id"
    visible = access.visible_customers(user, restrict)
    found = customer_search.find(session, query, limit=10, visible=visible)
    # "ann@x.example" also matches "joann@x.example": an exact address or name wins.
    exact = [c for c in found if wanted.lower() in (c.email, c.phone, (c.name or "").lower())]
    found = exact or found
    if len(found) != 1:
        many = "more than one customer matches" if found else "no customer matches"
        return f"{many} {wanted!r}; give their id"
    return found[0]


@router.post("/customers/{customer_id}/merge")
def merge(
    request: Request,
    customer_id: int,
    browser: BrowserDep,
    source: Annotated[str, Form(max_length=200)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Merge the customer ``source`` names into this one."""
    browser.check(csrf)
    here = f"/customers/{customer_id}"
    with get_db().write_sessions() as session:
        user = permitted(session, request, browser, Permission.MERGE_CUSTOMERS)
        if isinstance(user, Response):
            return user
        restrict = get_workspace(session).restrict_agents_to_teams
        try:
            target = access.access_customer(session, user, customer_id, restrict)
        except access.NotFound as exc:
            return redirect("/customers", f"Not merged: {exc.detail}")
        found = _find(session, user, restrict, source)
        if isinstance(found, str):
            return redirect(here, f"Not merged: {found}")
        try:
            customers.do_merge(session, found, target, actor_of(user))
        except customers.MergeError as exc:
            return redirect(here, f"Not merged: {exc}")
        commit(session)
        done = f"Merged {name_of(found)} into {name_of(target)}. Undo it below if that was wrong."
    return redirect(here, done)


@router.post("/customers/{customer_id}/unmerge/{event_id}")
def unmerge(
    request: Request,
    customer_id: int,
    event_id: int,
    browser: BrowserDep,
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Undo the merge recorded by event ``event_id`` into this customer."""
    browser.check(csrf)
    here = f"/customers/{customer_id}"
    with get_db().write_sessions() as session:
        user = permitted(session, request, browser, Permission.MERGE_CUSTOMERS)
        if isinstance(user, Response):
            return user
        restrict = get_workspace(session).restrict_agents_to_teams
        try:
            access.access_customer(session, user, customer_id, restrict)
        except access.NotFound as exc:
            return redirect("/customers", f"Not undone: {exc.detail}")
        event = session.get(Event, event_id)
        if event is None or event.customer_id != customer_id:
            return redirect(here, f"Not undone: no merge {event_id} into this customer.")
        try:
            customers.do_unmerge(session, event, actor_of(user))
        except customers.MergeError as exc:
            return redirect(here, f"Not undone: {exc}")
        commit(session)
        source = event.data["source_id"]
    return redirect(here, f"Merge undone: customer {source} has their history back.")
