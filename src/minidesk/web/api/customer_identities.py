"""A customer's email addresses and phone numbers, and the customers who look like the same
person (``commerce.merge_suggestions``).

Editing identities changes who future messages are filed under, so it is lead work, like the
merge it often precedes; suggestions are for anyone who serves the customer, and list only
customers the caller serves too (a restricted agent learns nothing about other teams').
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from sqlalchemy.orm import Session

from minidesk.commerce.merge_suggestions import suggest
from minidesk.commerce.registry import connector_for
from minidesk.db import commit
from minidesk.desk import access, customers, identities
from minidesk.desk.access import Permission, require
from minidesk.desk.models import Customer, User
from minidesk.desk.users import actor_of
from minidesk.desk.workspace import Workspace
from minidesk.web.api import PREFIX
from minidesk.web.deps import SessionDep, UserDep, WorkspaceDep, WriteSessionDep
from minidesk.web.pagination import Page
from minidesk.web.problems import Problem
from minidesk.web.schemas import CustomerOut, IdentityIn, MergeSuggestionOut, RowIdPath

router = APIRouter(prefix=f"{PREFIX}/customers", tags=["customers"])


def _customer(session: Session, user: User, workspace: Workspace, customer_id: int) -> Customer:
    found = access.access_customer(session, user, customer_id, workspace.restrict_agents_to_teams)
    return customers.surviving(session, found)


def _merge_route(customer_id: int) -> str:
    return f"{PREFIX}/customers/{customer_id}/merge"


@router.post("/{customer_id}/identities", status_code=201, response_model=CustomerOut)
def add_identity(
    customer_id: RowIdPath,
    body: IdentityIn,
    session: WriteSessionDep,
    user: UserDep,
    workspace: WorkspaceDep,
) -> Customer:
    """Add an email address or phone number (leads and up; unverified). One another customer
    owns is a 409 naming the merge route: merging moves their history too."""
    require(user, Permission.MERGE_CUSTOMERS)
    customer = _customer(session, user, workspace, customer_id)
    try:
        value = identities.check_identity(session, customer, body.kind, body.value)
    except identities.IdentityTaken as exc:
        restrict = workspace.restrict_agents_to_teams
        try:
            access.access_customer(session, user, exc.owner_id, restrict)
        except access.NotFound:
            # Naming a customer the caller does not serve would reveal them.
            raise Problem(
                409,
                f"{body.kind} {body.value} belongs to a customer you do not serve",
                slug="identity-taken",
            ) from exc
        raise Problem(
            409,
            f"{exc}: merge them with POST {_merge_route(customer.id)} "
            f'{{"source_id": {exc.owner_id}}}',
            slug="identity-taken",
            owner_id=exc.owner_id,
            merge=_merge_route(customer.id),
        ) from exc
    except identities.IdentityError as exc:
        raise Problem(422, str(exc), slug="invalid-identity") from exc
    identities.do_add_identity(session, customer, body.kind, value, actor_of(user))
    commit(session)
    session.refresh(customer)
    return customer


@router.delete("/{customer_id}/identities", status_code=204)
def remove_identity(
    customer_id: RowIdPath,
    kind: Annotated[str, Query(description="email or phone")],
    value: Annotated[str, Query(min_length=1, max_length=320)],
    session: WriteSessionDep,
    user: UserDep,
    workspace: WorkspaceDep,
) -> Response:
    """Remove an email address or phone number (leads and up): messages from it will no
    longer be filed under this customer."""
    require(user, Permission.MERGE_CUSTOMERS)
    customer = _customer(session, user, workspace, customer_id)
    try:
        identities.do_remove_identity(session, customer, kind, value, actor_of(user))
    except identities.IdentityError as exc:
        raise Problem(422, str(exc), slug="invalid-identity") from exc
    except LookupError as exc:
        raise Problem(404, str(exc)) from exc
    commit(session)
    return Response(status_code=204)


@router.get("/{customer_id}/merge-suggestions", response_model=Page[MergeSuggestionOut])
def merge_suggestions(
    customer_id: RowIdPath, session: SessionDep, user: UserDep, workspace: WorkspaceDep
) -> Page[MergeSuggestionOut]:
    """Customers you serve who share an email or phone (E.164) with this one's identities,
    store account or orders: candidates to merge into this customer. One page: a person
    has few addresses, so the list is short (``next_cursor`` is always null)."""
    customer = _customer(session, user, workspace, customer_id)
    visible = access.visible_customers(user, workspace.restrict_agents_to_teams)
    items = [
        MergeSuggestionOut(
            customer=CustomerOut.model_validate(found.customer),
            reasons=found.reasons,
            merge=_merge_route(customer.id),
            merge_body={"source_id": found.customer.id},
        )
        for found in suggest(session, connector_for(session), customer, visible)
    ]
    return Page[MergeSuggestionOut](items=items, next_cursor=None)
