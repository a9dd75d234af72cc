"""Quarantined and failed inbound mail (read, release, delete) and dead letters (inspect,
send again), for admins. The changes are ``desk.queues``' (the API's too); releasing a
quarantined email first parses its stored original again, as the email API's retry does."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from minidesk import inbox
from minidesk.channels.email import receive
from minidesk.db import commit, get_db
from minidesk.desk import queues
from minidesk.desk.access import Permission
from minidesk.desk.users import actor_of
from minidesk.event_kinds import EventKind
from minidesk.events import emit
from minidesk.web.ui.admin.gate import admin_page
from minidesk.web.ui.render import redirect
from minidesk.web.ui.signed_in import Browser, BrowserDep, refused

router = APIRouter(include_in_schema=False)
NEEDS = Permission.ADMIN_QUEUES
HERE = "/admin/queues"


@router.get(HERE, response_class=HTMLResponse)
def queues_page(request: Request, browser: BrowserDep) -> Response:
    if (no := refused(request, browser, NEEDS)) is not None:
        return no
    with get_db().sessions() as session:
        context = {
            "inbound": queues.problem_inbox(session),
            "dead": queues.dead_letters(session),
        }
        return admin_page(request, browser, "queues", "queues.html", context)


@router.post("/admin/inbox/{inbox_id}/{action}")
def inbox_action(
    request: Request,
    inbox_id: int,
    action: str,
    browser: BrowserDep,
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """``action`` is ``release`` (queue it again) or ``delete``."""
    browser.check(csrf)
    if (no := refused(request, browser, NEEDS)) is not None:
        return no
    if action not in ("release", "delete"):
        return redirect(HERE, f"Unknown action {action!r}.")
    return _inbox_action(browser, inbox_id, action)


def _inbox_action(browser: Browser, inbox_id: int, action: str) -> Response:
    actor = actor_of(browser.user)
    with get_db().sessions() as session:
        row = session.get(inbox.InboxItem, inbox_id)
        is_quarantined_mail = (
            row is not None
            and row.channel == receive.CHANNEL
            and row.status == inbox.InboxStatus.QUARANTINED
        )
    if action == "release" and is_quarantined_mail:
        # The stored row of a quarantined mail has no message to retry: read the original.
        reason = receive.reparse(inbox_id)
        if reason is not None:
            return redirect(HERE, f"Message {inbox_id} stays quarantined: {reason}")
        with get_db().write_sessions() as session:
            emit(session, EventKind.INBOX_RETRIED, actor, inbox_id=inbox_id)
            commit(session)
        return redirect(HERE, f"Released message {inbox_id}.")
    change = queues.do_retry_inbox if action == "release" else queues.do_discard_inbox
    with get_db().write_sessions() as session:
        if not change(session, inbox_id, actor):
            return redirect(HERE, f"Message {inbox_id} is not failed or quarantined.")
        commit(session)
    return redirect(HERE, f"{'Released' if action == 'release' else 'Deleted'} message {inbox_id}.")


@router.post("/admin/dead-letters/{outbox_id}/retry")
def retry_dead_letter(
    request: Request,
    outbox_id: int,
    browser: BrowserDep,
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    browser.check(csrf)
    if (no := refused(request, browser, NEEDS)) is not None:
        return no
    with get_db().write_sessions() as session:
        if not queues.do_replay_dead_letter(session, outbox_id, actor_of(browser.user)):
            return redirect(HERE, f"Delivery {outbox_id} is not a dead letter.")
        commit(session)
    return redirect(HERE, f"Delivery {outbox_id} will be sent again.")
