"""POST /api/v1/inbound/messages — the in-app/API channel's way in."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Response

from minidesk import inbox, pipeline
from minidesk.channels.base import AttachmentIn, InboundMessage, Sender
from minidesk.web.api import PREFIX
from minidesk.web.deps import UserDep
from minidesk.web.schemas import InboundIn, InboundOut

log = logging.getLogger(__name__)
router = APIRouter(prefix=f"{PREFIX}/inbound", tags=["channels"])


def to_inbound(body: InboundIn) -> InboundMessage:
    customer = body.customer
    return InboundMessage(
        channel="api",
        external_id=body.external_id,
        text=body.text,
        subject=body.subject,
        thread_key=body.thread,
        # The caller holds an API token, so it vouches for who its user is.
        sender=Sender(
            email=customer.email,
            phone=customer.phone,
            external_id=customer.external_id,
            name=customer.name,
            verified=True,
        ),
        attachments=tuple(
            AttachmentIn(
                filename=a.filename, content_type=a.content_type, size=a.size, url=str(a.url)
            )
            for a in body.attachments
        ),
    )


@router.post("/messages", status_code=202, response_model=InboundOut)
def post_inbound_message(body: InboundIn, user: UserDep, response: Response) -> InboundOut:
    """Accept a customer message. It is stored durably before the response; posting the same
    ``external_id`` again returns the first message's ticket instead of a second message."""
    accepted = inbox.accept(to_inbound(body))
    if accepted.duplicate:
        status = "duplicate" if accepted.ticket_id else "queued"
        return InboundOut(
            status=status,
            ticket_number=accepted.ticket_id,
            message_id=accepted.message_id,
            inbox_id=accepted.inbox_id,
        )
    # Process right away so the caller gets its ticket number. If a worker got there first
    # we report its result; if processing fails the row stays pending for the workers —
    # the message is already safe either way.
    try:
        pipeline.process(accepted.inbox_id)
    except Exception:
        log.warning("inbox %s left for the workers", accepted.inbox_id, exc_info=True)
    now = inbox.status_of(accepted.inbox_id)
    if now.ticket_id is None:
        return InboundOut(
            status="queued", ticket_number=None, message_id=None, inbox_id=accepted.inbox_id
        )
    response.headers["Location"] = f"/api/v1/tickets/{now.ticket_id}"
    return InboundOut(
        status="processed",
        ticket_number=now.ticket_id,
        message_id=now.message_id,
        inbox_id=accepted.inbox_id,
    )
