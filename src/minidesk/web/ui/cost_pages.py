"""The workspace's costs as a form (docs/metrics.md, cost per contact): leads read them, admins
change them. Amounts are typed in major units (12.50) of one currency and saved through the
same checks as ``PUT /api/v1/insights/costs``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from minidesk.db import commit, get_db
from minidesk.desk import access
from minidesk.desk.access import Permission
from minidesk.desk.users import actor_of
from minidesk.insights.cost_settings import AMOUNTS, CostsIn, do_set_costs, get_costs
from minidesk.insights.money import as_major, from_major
from minidesk.web.ui.render import page, redirect
from minidesk.web.ui.signed_in import BrowserDep, permitted

router = APIRouter(include_in_schema=False)
LABELS = {
    "agent_hour": "Agent cost per hour",
    "tooling_month": "Tooling per month",
    "sms_message": "Per outbound SMS",
    "whatsapp_message": "Per outbound WhatsApp message",
}
Amount = Annotated[str, Form(max_length=30)]


@router.get("/insights/costs", response_class=HTMLResponse)
def costs_page(request: Request, browser: BrowserDep) -> Response:
    with get_db().sessions() as session:
        user = permitted(session, request, browser, Permission.SEE_INSIGHTS)
        if isinstance(user, Response):
            return user
        row = get_costs(session)
        amounts = {name: as_major(getattr(row, name), row.currency) for name in AMOUNTS}
        context = {"browser": browser, "active": "insights", "currency": row.currency,
                   "amounts": amounts, "labels": LABELS,
                   "editable": access.has(user, Permission.MANAGE_COSTS)}  # fmt: skip
        return page(request, "insights_costs.html", context)


@router.post("/insights/costs")
def save_costs(
    request: Request,
    browser: BrowserDep,
    currency: Annotated[str, Form(max_length=3)],
    agent_hour: Amount,
    tooling_month: Amount,
    sms_message: Amount,
    whatsapp_message: Amount,
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    browser.check(csrf)
    posted = {"agent_hour": agent_hour, "tooling_month": tooling_month,
              "sms_message": sms_message, "whatsapp_message": whatsapp_message}  # fmt: skip
    with get_db().write_sessions() as session:
        user = permitted(session, request, browser, Permission.MANAGE_COSTS)
        if isinstance(user, Response):
            return user
        code = currency.strip().upper()
        try:
            body = CostsIn.model_validate(
                {name: {"amount": from_major(posted[name], code), "currency": code}
                 for name in AMOUNTS}
            )  # fmt: skip
        except ValueError as exc:  # ValidationError is one
            why = "; ".join(_said(exc))
            return redirect("/insights/costs", f"Costs not saved: {why}")
        do_set_costs(session, body, actor_of(user))
        commit(session)
    return redirect("/insights/costs", "Costs saved.")


def _said(exc: ValueError) -> list[str]:
    """What was wrong, by the form's labels."""
    if not isinstance(exc, ValidationError):
        return [str(exc)]
    said = []
    for error in exc.errors():
        name, *rest = [str(part) for part in error["loc"]]
        what = "currency" if rest == ["currency"] else LABELS.get(name, name)
        said.append(f"{what}: {error['msg']}")
    return said
