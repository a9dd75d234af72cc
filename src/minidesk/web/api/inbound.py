"""POST /api/v1/inbound/messages — the in-app/API channel's way in."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.routing import APIRoute
from sqlalchemy.exc import NoResultFound

from minidesk import inbox, pipeline
from minidesk.channels.base import AttachmentIn, InboundMessage, Sender, Via
from minidesk.channels.service import api_channel_id, is_enabled
from minidesk.db import get_db
from minidesk.settings import get_settings
from minidesk.web import strict_query
from minidesk.web.api import PREFIX
from minidesk.web.awaiting import Awaiting
from minidesk.web.deps import CallerDep, UserDep, bearer_credentials, current_caller
from minidesk.web.intake import Intake
from minidesk.web.problems import Problem
from minidesk.web.schemas import InboundIn, InboundOut
from minidesk.web.tokens import Caller

log = logging.getLogger(__name__)


class InboundRoute(APIRoute):
    """``POST /messages`` as FastAPI declares it (parameters, docs, errors), answered without
    its per-request dependency solving when the request is well-formed.

    Solving this route's dependencies (the app's query check, the caller and its two
    credential schemes, a header and the body) cost the event loop more than the handler
    itself: about 0.15 ms of the web process's 0.6 ms per request, the busiest route's
    every request. A JSON body that validates, with no dependency overridden, is handed to
    the same checks and handler in the same order (JSON parsed, query checked, caller
    authenticated, body validated); anything else goes FastAPI's way, so every error
    answers exactly as it did. A dependency added to the route must be added to
    ``_answer_well_formed`` too: ``tests/web/test_inbound_request_cost.py`` pins the list.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        general = super().get_route_handler()

        async def handle(request: Request) -> Response:
            answered = await _answer_well_formed(request)
            return answered if answered is not None else await general(request)

        return handle


router = APIRouter(prefix=f"{PREFIX}/inbound", tags=["channels"])


def to_inbound(body: InboundIn, caller: Caller) -> InboundMessage:
    """The message as the pipeline sees it, in the caller's own namespace.

    Ids and thread keys are the client's to choose, so two clients' "m-1" are two messages
    and one client's thread key never reaches another's conversation (the pipeline also
    keeps a key to the customer it was pinned for). Only an integration credential vouches
    for who the customer is; a person's token (an agent logging a call) hands in an
    unverified message, on which no money moves and no account data is told.
    """
    customer = body.customer
    return InboundMessage(
        channel="api",
        external_id=f"{caller.client}:{body.external_id}",
        text=body.text,
        subject=body.subject,
        thread_key=f"{caller.client}:{body.thread}" if body.thread else None,
        sender=Sender(
            email=customer.email,
            phone=customer.phone,
            external_id=customer.external_id,
            name=customer.name,
            verified=caller.vouches,
        ),
        attachments=tuple(
            AttachmentIn(
                filename=a.filename, content_type=a.content_type, size=a.size, url=str(a.url)
            )
            for a in body.attachments
        ),
        via=Via(token_id=caller.token_id, user_id=caller.user_id, client=caller.client),
        channel_id=api_channel_id(get_db(), caller.integration),
    )


JSON = "application/json"
# What the inbox's states mean to an API client.
PUBLIC_STATUS = {
    inbox.InboxStatus.PENDING: "queued",
    inbox.InboxStatus.DONE: "processed",
    inbox.InboxStatus.FAILED: "failed",
    inbox.InboxStatus.QUARANTINED: "quarantined",
}


def _out(state: inbox.Accepted, status: str | None = None) -> InboundOut:
    return InboundOut.model_validate(
        {
            "status": status or PUBLIC_STATUS[inbox.InboxStatus(state.status)],
            "ticket_number": state.ticket_id,
            "message_id": state.message_id,
            "inbox_id": state.inbox_id,
        }
    )


def _location(inbox_id: int) -> str:
    return f"{PREFIX}/inbound/messages/{inbox_id}"


async def post_inbound_message(
    body: InboundIn,
    caller: CallerDep,
    request: Request,
    prefer: Annotated[
        str | None,
        Header(
            description="`respond-async`: answer as soon as the "
            "message is stored; poll the Location for the ticket"
        ),
    ] = None,
) -> Response:
    """Accept a customer message. It is stored durably before the response; posting the same
    ``external_id`` again returns the first message's ticket instead of a second message.

    Only an integration credential (`minidesk token create EMAIL --integration NAME`) vouches
    for the customer's identity; a personal token's message is kept, unverified, with who
    posted it. ``external_id`` and ``thread`` are scoped to the API client (the integration,
    or the person) and ``thread`` also to the customer.

    By default the answer waits until the workers have processed the message (with the batch
    that takes it in), so the response carries its ticket number; should that take longer than
    `MINIDESK_INBOUND_WAIT_SECONDS`, it answers `queued` with the `Location` to poll. With
    ``Prefer: respond-async`` (RFC 7240) the answer comes as soon as the message is safe, and
    ``Location`` names where its ticket number appears once workers processed it.
    """
    # Async, and the store runs on the app's intake threads: a busy desk accepts thousands of
    # these a second, and the thread pool's convoy would cost more than the accept itself.
    message = to_inbound(body, caller)
    assert message.channel_id is not None  # to_inbound names the caller's API channel
    if not is_enabled(get_db(), message.channel_id):
        raise Problem(
            403,
            f"API channel {message.channel_id} is switched off; an admin can enable it "
            f"with PATCH {PREFIX}/channels/{message.channel_id}",
            slug="channel-disabled",
        )
    intake: Intake = request.app.state.intake
    accepted = await intake.accept(message)
    headers = {"Location": _location(accepted.inbox_id)}
    if accepted.duplicate:
        return _respond(_out(accepted, "duplicate" if accepted.ticket_id else None), headers)
    if prefer and "respond-async" in prefer.lower():
        headers["Preference-Applied"] = "respond-async"
        return _respond(_out(accepted, "queued"), headers)
    awaiting: Awaiting = request.app.state.awaiting
    if not awaiting.available():
        return _respond(await run_in_threadpool(_process_now, accepted, message), headers)
    # A worker processes it with its batch: this process must not become a second writer.
    settings = get_settings()
    done = await awaiting.processed(accepted.inbox_id, settings.inbound_wait_seconds)
    return _respond(_out(done or accepted, None if done else "queued"), headers)


router.add_api_route(
    "/messages",
    post_inbound_message,
    methods=["POST"],
    status_code=202,
    response_model=InboundOut,
    route_class_override=InboundRoute,
)


async def _answer_well_formed(request: Request) -> Response | None:
    """The route's answer for a well-formed request; None for FastAPI to answer."""
    content_type = request.headers.get("content-type", "")
    if request.app.dependency_overrides or content_type.split(";")[0].strip() != JSON:
        return None
    try:
        document = json.loads(await request.body())
    except ValueError:
        return None
    # In FastAPI's order: its dependencies raise their errors before the body is validated.
    await strict_query.refuse_unknown(request)
    caller = await current_caller(request, await bearer_credentials(request), None)
    try:
        body = InboundIn.model_validate(document)
    except ValueError:
        return None
    return await post_inbound_message(body, caller, request, request.headers.get("prefer"))


def _process_now(accepted: inbox.Accepted, message: InboundMessage) -> InboundOut:
    """Where the workers' commits cannot be watched (a SQLite database in memory, with no
    file to watch), process right away so the caller gets its ticket number. If a
    worker got there first we report its result; if processing fails the row stays pending
    for the workers — the message is already safe either way."""
    try:
        result = pipeline.process(accepted.inbox_id, message=message)
    except Exception:
        log.warning("inbox %s left for the workers", accepted.inbox_id, exc_info=True)
        result = None
    if result is not None:
        state = inbox.Accepted(
            accepted.inbox_id, False, inbox.InboxStatus.DONE, result.ticket_id, result.message_id
        )
        return _out(state)
    return _out(inbox.status_of(accepted.inbox_id))


def _respond(document: InboundOut, headers: dict[str, str]) -> Response:
    # Serialised here (the declared response_model still documents it): FastAPI would
    # validate the model it was handed a second time.
    return Response(document.model_dump_json(), 202, headers=headers, media_type="application/json")


@router.get("/messages/{inbox_id}", response_model=InboundOut)
def get_inbound_message(inbox_id: int, caller: CallerDep, user: UserDep) -> InboundOut:
    """Where an accepted message stands: queued, processed (with its ticket), or parked.
    Only the API client that handed the message in sees it."""
    try:
        via = inbox.handed_in_via(inbox_id)
        if via is None or via.client != caller.client:
            raise NoResultFound(f"inbox row {inbox_id} is another client's")
        return _out(inbox.status_of(inbox_id))
    except NoResultFound:
        raise Problem(404, f"no inbound message {inbox_id}") from None
