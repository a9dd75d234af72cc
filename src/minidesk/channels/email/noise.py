"""Loop and noise protection: which mail must never get an automatic reply, and the last gate
before an automatic reply leaves (per-sender rate limit).

Automatic replies to auto-responders, lists and bounces are how two robots mail each other
forever; RFC 3834 asks responders to check exactly these headers.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from minidesk import outbox
from minidesk.channels.email.parse import ParsedMail
from minidesk.db import utcnow

BULK_PRECEDENCE = {"bulk", "list", "junk"}
ROBOT_SENDERS = re.compile(
    r"^(mailer-daemon|postmaster|mail-daemon|no-?reply|do-?not-?reply|bounces?)([+-.].*)?@",
    re.IGNORECASE,
)
RATE_WINDOW = dt.timedelta(hours=1)


def auto_reply_block(mail: ParsedMail, our_addresses: Mapping[str, object]) -> str | None:
    """Why this mail must not get an automatic reply, or None if one is fine."""
    auto_submitted = mail.header("Auto-Submitted").lower()
    if auto_submitted and auto_submitted != "no":
        return f"Auto-Submitted: {auto_submitted}"
    precedence = mail.header("Precedence").lower()
    if precedence in BULK_PRECEDENCE:
        return f"Precedence: {precedence}"
    if mail.header("List-Id"):
        return "mailing list (List-Id)"
    if mail.header("X-Autoreply") or mail.header("X-Autorespond"):
        return "auto-responder (X-Autoreply)"
    if mail.header("Return-Path").strip() == "<>":
        return "null return path (a bounce or notification)"
    sender = mail.from_address or ""
    if ROBOT_SENDERS.match(sender):
        return f"robot sender {sender}"
    local, _, domain = sender.partition("@")
    if f"{local.split('+', 1)[0]}@{domain}" in our_addresses:
        return "sent by this desk's own address"
    return None


def suppression(session: Session, block: str | None, recipient: str, limit: int) -> str | None:
    """Why an automatic reply to ``recipient`` must not be sent now; ``block`` is what
    ``auto_reply_block`` said about the ticket's latest inbound mail."""
    if block:
        return f"automatic reply suppressed: {block}"
    since = utcnow() - RATE_WINDOW
    recent = session.scalar(
        select(func.count())
        .select_from(outbox.OutboxItem)
        .where(
            outbox.OutboxItem.channel == "email",
            outbox.OutboxItem.status == outbox.OutboxStatus.SENT,
            outbox.OutboxItem.sent_at >= since,
            outbox.OutboxItem.payload["automated"].as_boolean(),
            outbox.OutboxItem.payload["recipient"]["email"].as_string() == recipient,
        )
    )
    if (recent or 0) >= limit:
        return f"automatic reply suppressed: {limit} already sent to {recipient} this hour"
    return None
