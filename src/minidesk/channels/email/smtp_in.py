"""The built-in inbound SMTP listener (aiosmtpd): mail for our support addresses goes
straight into ``receive_raw``; anything else is refused before its data is sent."""

from __future__ import annotations

import asyncio
import functools
import logging
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from minidesk.channels.email import config
from minidesk.channels.email.receive import is_transient, receive_raw
from minidesk.channels.email.senderauth import Peer

log = logging.getLogger(__name__)

# Also the answer for mail kept in quarantine: it is stored, and a retry would change nothing.
OK = "250 2.0.0 OK: queued"
UNKNOWN_RECIPIENT = "550 5.1.1 <{}>: not a support address of this desk"
# Our database was unreachable: the sender keeps the mail and tries again (RFC 5321 4yz).
TRY_LATER = "451 4.3.0 could not store the message; try again later"
# Anything else: a retry would meet the same fault, so the sender gets a bounce now.
REJECTED = "554 5.6.0 the message could not be accepted"


class InboundHandler:
    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str,
        rcpt_options: list[str],
    ) -> str:  # fmt: skip
        loop = asyncio.get_running_loop()
        try:
            found = await loop.run_in_executor(None, config.match, [address])
        except Exception:
            log.exception("smtp: recipient check failed")
            return TRY_LATER
        if found is None:
            return UNKNOWN_RECIPIENT.format(address)
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        loop = asyncio.get_running_loop()
        # What SPF is checked against: the connecting address, MAIL FROM and HELO.
        peer = Peer(str(session.peer[0]) if session.peer else "", envelope.mail_from or "",
                    session.host_name or "")  # fmt: skip
        receive = functools.partial(
            receive_raw, raw, envelope_to=list(envelope.rcpt_tos), source="smtp", peer=peer
        )
        try:
            result = await loop.run_in_executor(None, receive)
        except Exception as exc:
            log.exception("smtp: could not store mail from %s", envelope.mail_from)
            return TRY_LATER if is_transient(exc) else REJECTED
        log.info("smtp: %s inbox %s", result.outcome, result.inbox_id)
        return OK


def start_listener(host: str, port: int, max_bytes: int, **smtp_options: Any) -> Controller:
    """Start listening in a background thread; ``stop()`` the returned controller to end."""
    controller = Controller(
        InboundHandler(),
        hostname=host,
        port=port,
        data_size_limit=max_bytes,
        enable_SMTPUTF8=True,
        ready_timeout=10,
        **smtp_options,
    )
    controller.start()
    log.info("inbound SMTP listening on %s:%s", host, port)
    return controller
