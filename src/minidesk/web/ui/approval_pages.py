"""The approval queue for leads and managers: what was asked, on which ticket, and a decision
with a reason. The four-eyes rules are the policy module's, shown as the page's answer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from minidesk.db import commit, get_db
from minidesk.desk import access
from minidesk.desk.workspace import get_workspace
from minidesk.policies.approvals import (
    ApprovalError,
    access_approval,
    do_approve,
    do_decline,
    visible_approvals,
)
from minidesk.policies.models import ApprovalStatus
from minidesk.web.ui.render import page, redirect
from minidesk.web.ui.signed_in import BrowserDep, forbidden

router = APIRouter(include_in_schema=False)


@router.get("/approvals", response_class=HTMLResponse)
def approvals(request: Request, browser: BrowserDep, status: str = "pending") -> Response:
    try:
        shown = ApprovalStatus(status)
    except ValueError:
        shown = ApprovalStatus.PENDING
    with get_db().sessions() as session:
        restrict = get_workspace(session).restrict_agents_to_teams
        user = session.merge(browser.user, load=False)
        try:
            rows = visible_approvals(session, user, shown, restrict)
        except access.Forbidden as exc:
            return forbidden(request, browser, exc.detail)
        return page(
            request,
            "approvals.html",
            {
                "browser": browser,
                "approvals": rows,
                "shown": shown,
                "statuses": list(ApprovalStatus),
            },
        )


@router.post("/approvals/{approval_id}/{decision}")
def decide(
    request: Request,
    approval_id: int,
    decision: str,
    browser: BrowserDep,
    reason: Annotated[str, Form(max_length=2000)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """``decision`` is ``approve`` (an approved refund moves the money now) or ``decline``."""
    browser.check(csrf)
    if decision not in ("approve", "decline"):
        return redirect("/approvals", f"Unknown decision {decision!r}.")
    with get_db().write_sessions() as session:
        restrict = get_workspace(session).restrict_agents_to_teams
        user = session.merge(browser.user, load=False)
        try:
            approval = access_approval(session, user, approval_id)
            if approval.ticket_id is not None:
                # Deciding needs the ticket's facts; an approver of other teams has none.
                access.access_ticket(session, user, approval.ticket_id, restrict)
            (do_approve if decision == "approve" else do_decline)(session, approval, user, reason)
        except access.Forbidden as exc:  # FourEyes included
            return _refused(exc.detail)
        except access.NotFound:
            return _refused(f"Approval {approval_id} does not exist or is not visible to you.")
        except ApprovalError as exc:
            return _refused(str(exc))
        commit(session)
    verb = "Approved" if decision == "approve" else "Declined"
    return redirect("/approvals", f"{verb} request {approval_id}.")


def _refused(why: str) -> RedirectResponse:
    return redirect("/approvals", f"Not decided: {why}")
