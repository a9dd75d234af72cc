"""The order panel's forms: an agent tool posted from the ticket page, done by the same
service as ``POST /api/v1/tickets/{n}/actions/{action}``, then back to the ticket with what
happened. Each rendered form carries its own idempotency key: a double click or a replayed
form answers "already done" and acts once."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from minidesk.commerce.connector import ActionKind
from minidesk.commerce.money import ZERO_DECIMAL, Money, format_money
from minidesk.db import commit, get_db
from minidesk.desk import access
from minidesk.policies.agent_actions import (
    ADDRESS_FIELDS,
    ActionOutcome,
    ActionRefused,
    ActionRequest,
    AgentActionStatus,
    IdentityCheck,
    do_agent_action,
)
from minidesk.policies.pack import get_pack
from minidesk.web.ui.render import redirect
from minidesk.web.ui.signed_in import BrowserDep
from minidesk.web.ui.ticket_access import ticket_not_found, visible_ticket

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form(max_length=200)]


class FormError(ValueError):
    pass


@router.post("/tickets/{number}/actions/{action}")
def post_action(
    request: Request,
    number: int,
    action: str,
    browser: BrowserDep,
    csrf: Annotated[str, Form(max_length=100)] = "",
    key: Annotated[str, Form(max_length=100)] = "",
    order_number: Annotated[str, Form(max_length=32)] = "",
    amount: Annotated[str, Form(max_length=20)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
    identity_checks: Annotated[list[str] | None, Form()] = None,
    name: Text = "",
    line1: Text = "",
    line2: Text = "",
    city: Text = "",
    postcode: Text = "",
    country: Text = "",
) -> Response:
    browser.check(csrf)
    back = f"/tickets/{number}"
    with get_db().write_sessions() as session:
        ticket = visible_ticket(session, browser, number)
        if ticket is None:
            return ticket_not_found(request, browser, number)
        try:
            kind = _kind(action)
            if len(key) < 8:
                raise FormError("the form has no idempotency key; reload the page")
            currency = get_pack(session).currency
            given = (name, line1, line2, city, postcode, country)
            address = dict(zip(ADDRESS_FIELDS, given, strict=True))
            wanted = ActionRequest(
                action=kind,
                idempotency_key=key,
                order_number=order_number or None,
                amount=_amount(amount, currency) if kind == ActionKind.REFUND else None,
                reason=reason,
                address=address if kind == ActionKind.CHANGE_ADDRESS else None,
                identity_checks=_checks(identity_checks or []),
            )
            user = session.merge(browser.user, load=False)
            outcome = do_agent_action(session, user, ticket, wanted)
        except FormError as exc:
            return redirect(back, f"Not done: {exc}")
        except ActionRefused as exc:
            return redirect(back, f"Not done: {exc} ({exc.decision.rule}).")
        except access.Forbidden as exc:
            return redirect(back, f"Not done: {exc.detail}")
        commit(session)
    return redirect(back, _said(outcome))


def _kind(action: str) -> ActionKind:
    try:
        return ActionKind(action)
    except ValueError:
        raise FormError(f"unknown action {action!r}") from None


def _amount(text: str, currency: str) -> Money:
    """'25', '25.5' or '25.50' in the pack's currency, as minor units."""
    places = 0 if currency in ZERO_DECIMAL else 2
    try:
        value = Decimal(text.strip().replace(",", ""))
    except InvalidOperation:
        raise FormError(f"amount {text!r} is not a number") from None
    if not value.is_finite() or value <= 0 or value != round(value, places):
        raise FormError(f"amount {text!r} must be positive with at most {places} decimals")
    minor = int(value.scaleb(places))
    if minor > 10**12:
        raise FormError(f"amount {text!r} is too large")
    return Money(minor, currency)


def _checks(values: list[str]) -> frozenset[IdentityCheck]:
    try:
        return frozenset(IdentityCheck(v) for v in values)
    except ValueError:
        raise FormError("unknown identity check") from None


def _said(outcome: ActionOutcome) -> str:
    what = outcome.action.replace("_", " ")
    order = outcome.detail.get("order_number") or ""
    money = ""
    if "amount_minor" in outcome.detail and "currency" in outcome.detail:
        money = format_money(
            Money(int(outcome.detail["amount_minor"]), str(outcome.detail["currency"]))
        )
    if outcome.status == AgentActionStatus.APPROVAL_REQUESTED:
        said = (
            f"{money} {what} is over your limits ({outcome.rule}): approval request "
            f"{outcome.approval_id} sent to a manager."
        )
    else:
        said = f"Done: {what}" + (f" of {money}" if money else "")
        said += (f" on order {order}" if order else "") + (
            f" ({outcome.ref})." if outcome.ref else "."
        )
    return ("Already done, nothing repeated: " if outcome.replayed else "") + said
