"""Connecting to a support mailbox over IMAP (imapclient): TLS from the first byte, or
STARTTLS that must succeed. There is no plaintext path; a server that does not offer
STARTTLS is refused before the password is sent."""

from __future__ import annotations

import imaplib
import socket
import ssl
from dataclasses import dataclass

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

from minidesk.channels.email.models import ImapSecurity

TIMEOUT_SECONDS = 30
DEFAULT_PORTS = {ImapSecurity.TLS: 993, ImapSecurity.STARTTLS: 143}
# What connection trouble looks like, whichever layer raises it.
NETWORK_ERRORS = (OSError, ssl.SSLError, socket.timeout, imaplib.IMAP4.abort)


class ImapError(Exception):
    """Why a mailbox could not be read, in words an admin can act on."""


@dataclass(frozen=True)
class Mailbox:
    """Everything needed to log in, with the password already decrypted."""

    host: str
    port: int | None
    security: str
    username: str
    password: str
    ca_file: str | None = None

    @property
    def effective_port(self) -> int:
        return self.port or DEFAULT_PORTS[ImapSecurity(self.security)]


def connect(box: Mailbox) -> IMAPClient:
    """A logged-in client, or ``ImapError`` saying why not."""
    context = ssl.create_default_context(cafile=box.ca_file or None)
    where = f"{box.host}:{box.effective_port}"
    try:
        if box.security == ImapSecurity.TLS:
            client = IMAPClient(box.host, box.effective_port, ssl=True, ssl_context=context,
                                timeout=TIMEOUT_SECONDS)  # fmt: skip
        else:
            client = IMAPClient(box.host, box.effective_port, ssl=False, timeout=TIMEOUT_SECONDS)
            if not client.has_capability("STARTTLS"):
                client.shutdown()
                raise ImapError(f"{where} offers no STARTTLS; refusing to log in in plaintext")
            client.starttls(context)
    except ImapError:
        raise
    except (*NETWORK_ERRORS, IMAPClientError) as exc:
        raise ImapError(f"cannot connect securely to {where}: {type(exc).__name__}: {exc}") from exc
    try:
        client.login(box.username, box.password)
    except LoginError as exc:
        client.shutdown()
        detail = exc.args[0].decode(errors="replace") if exc.args and isinstance(
            exc.args[0], bytes) else str(exc)  # fmt: skip
        raise ImapError(f"{where} refused the login for {box.username}: {detail}") from exc
    except (*NETWORK_ERRORS, IMAPClientError) as exc:
        client.shutdown()
        raise ImapError(f"login at {where} failed: {type(exc).__name__}: {exc}") from exc
    return client
