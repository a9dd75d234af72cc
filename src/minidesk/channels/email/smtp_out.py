"""Outbound SMTP connections (``MINIDESK_SMTP_URL``), kept open and reused between replies.

A new connection costs a TCP handshake, the banner, EHLO, often STARTTLS and AUTH, and QUIT:
more round trips than the message itself. Delivery threads borrow a connection, send, and
give it back. A borrowed idle connection is probed with RSET first, which also clears any
half-finished transaction; one that fails the probe is replaced by a fresh connection before
anything is sent, so a server that dropped it costs a reconnect, never a failed reply.
"""

from __future__ import annotations

import contextlib
import os
import smtplib
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

from minidesk.channels.base import DeliveryError

TIMEOUT_SECONDS = 30
DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}
# Idle connections kept per URL; more delivery threads than this just open extra ones.
MAX_IDLE = 8
# Servers hang up on idle clients after a few minutes (Postfix's smtpd_timeout is 300 s), and
# a NAT or firewall may forget the connection silently, so that a probe would hang for the
# whole timeout: connections idle longer than this are closed rather than probed.
MAX_IDLE_SECONDS = 60.0
# Some servers limit messages per session and answer 4xx past the limit; starting a fresh
# session now and then keeps a busy connection from running into such a limit.
MAX_MESSAGES = 100
CODE_OK = 250


def connect(url: str) -> smtplib.SMTP:
    """A new connection to ``url`` (``smtp://``, ``smtp+starttls://`` or ``smtps://``, with
    optional credentials and ``?cafile=``), greeted, secured and logged in."""
    parts = urlsplit(url)
    scheme = parts.scheme
    host = parts.hostname or "localhost"
    port = parts.port or DEFAULT_PORTS[scheme]
    cafile = parse_qs(parts.query).get("cafile", [None])[0]
    context = ssl.create_default_context(cafile=cafile)
    client: smtplib.SMTP
    if scheme == "smtps":
        client = smtplib.SMTP_SSL(host, port, timeout=TIMEOUT_SECONDS, context=context)
    else:
        client = smtplib.SMTP(host, port, timeout=TIMEOUT_SECONDS)
        if scheme == "smtp+starttls":
            client.ehlo()
            if not client.has_extn("starttls"):
                _close(client, polite=True)
                raise DeliveryError(f"{host} offers no STARTTLS; refusing to send in plaintext")
            client.starttls(context=context)
    if parts.username:
        client.login(unquote(parts.username), unquote(parts.password or ""))
    return client


def _close(client: smtplib.SMTP, *, polite: bool) -> None:
    # QUIT only where the server is likely listening: on a dead connection it can only fail
    # or, after a silent drop, wait for the whole timeout.
    if polite:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            client.quit()
    client.close()


def _alive(client: smtplib.SMTP) -> bool:
    try:
        code, _ = client.rset()
    except (smtplib.SMTPException, OSError):
        return False
    return code == CODE_OK


@dataclass
class _Connection:
    client: smtplib.SMTP
    sent: int = 0
    idle_since: float = field(default_factory=time.monotonic)


class SmtpPool:
    """Idle connections by URL. Thread-safe; a connection has one borrower at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle: dict[str, list[_Connection]] = {}
        self._pid = os.getpid()
        self.opened = 0  # connections opened so far (for tests and the benchmark)

    @contextlib.contextmanager
    def connection(self, url: str) -> Iterator[smtplib.SMTP]:
        """Borrow a live connection to ``url``; it is given back unless sending broke it."""
        borrowed = self._checkout(url)
        try:
            yield borrowed.client
        except (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused):
            # The server answered (a refusal, a 4xx): the connection itself is still good.
            self._checkin(url, borrowed)
            raise
        except BaseException:
            _close(borrowed.client, polite=False)
            raise
        borrowed.sent += 1
        self._checkin(url, borrowed)

    def close_all(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, {}
        for connections in idle.values():
            for connection in connections:
                _close(connection.client, polite=True)

    def _checkout(self, url: str) -> _Connection:
        with self._lock:
            if self._pid != os.getpid():
                # Forked: those sockets belong to the parent process; leave them to it.
                self._idle, self._pid = {}, os.getpid()
            # One SMTP URL is configured at a time; connections to an earlier one are left
            # over from a settings change.
            stale = [c for other, idle in self._idle.items() if other != url for c in idle]
            self._idle = {url: self._idle.get(url, [])}
        for connection in stale:
            _close(connection.client, polite=True)
        while (candidate := self._pop(url)) is not None:
            expired = time.monotonic() - candidate.idle_since > MAX_IDLE_SECONDS
            if expired or candidate.sent >= MAX_MESSAGES:
                _close(candidate.client, polite=not expired)
            elif _alive(candidate.client):
                return candidate
            else:
                _close(candidate.client, polite=False)
        connection = _Connection(connect(url))
        with self._lock:
            self.opened += 1
        return connection

    def _pop(self, url: str) -> _Connection | None:
        with self._lock:
            idle = self._idle.get(url)
            # Most recently used first: the likeliest to be alive, and the rest age out.
            return idle.pop() if idle else None

    def _checkin(self, url: str, connection: _Connection) -> None:
        connection.idle_since = time.monotonic()
        with self._lock:
            idle = self._idle.setdefault(url, [])
            if len(idle) < MAX_IDLE:
                idle.append(connection)
                return
        _close(connection.client, polite=True)
