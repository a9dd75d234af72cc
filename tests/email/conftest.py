"""Email fixtures: a support address, the built-in SMTP listener on a free port, and a real
SMTP sink (aiosmtpd) capturing what the desk sends, with scriptable failures."""

from __future__ import annotations

import email
import os
import shutil
import socket
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from pydantic import SecretStr
from tests.email.dovecot import Dovecot

from minidesk import settings
from minidesk.channels.email import config as email_config
from minidesk.channels.email import senderauth
from minidesk.channels.email.smtp_in import start_listener
from minidesk.events import SYSTEM

FIXTURES = Path(__file__).parent / "fixtures"
SUPPORT = "support@shop.example"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def fixture(name: str, **values: object) -> bytes:
    """A recorded mail with its ``%%NAME%%`` placeholders filled in (ticket, our ids)."""
    raw = (FIXTURES / name).read_bytes()
    for key, value in values.items():
        raw = raw.replace(f"%%{key.upper()}%%".encode(), str(value).encode())
    return raw


class Sink:
    """A real SMTP server; ``codes`` scripts answers to RCPT (e.g. 451 then 250).

    ``connections`` counts the sessions clients opened (each greets once with EHLO); a
    ``timeout`` makes the server hang up on clients idle that long, as real servers do."""

    def __init__(self, timeout: float = 300.0) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.codes: list[str] = []
        self.connections = 0
        sink = self

        class Handler:
            async def handle_EHLO(self, server: Any, session: Any, envelope: Any, hostname: str,
                                  responses: list[str]) -> list[str]:  # fmt: skip
                sink.connections += 1
                session.host_name = hostname
                return responses

            async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                                  options: list[str]) -> str:  # fmt: skip
                if sink.codes:
                    answer = sink.codes.pop(0)
                    if not answer.startswith("250"):
                        return answer
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                parsed = email.message_from_bytes(envelope.content, policy=policy.default)
                assert isinstance(parsed, EmailMessage)
                sink.messages.append(parsed)
                sink.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port,
                                     timeout=timeout)  # fmt: skip
        self.controller.start()

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"


class Zone:
    """A fake DNS zone behind ``senderauth.resolve``: ``records[(name, type)]``."""

    def __init__(self) -> None:
        self.records: dict[tuple[str, str], list[str]] = {}
        self.asked: list[tuple[str, str]] = []

    def add(self, name: str, rdtype: str, *values: str) -> None:
        self.records.setdefault((name.lower().rstrip("."), rdtype), []).extend(values)

    def resolve(self, name: str, rdtype: str) -> list[str]:
        self.asked.append((name, rdtype))
        return list(self.records.get((name.lower().rstrip("."), rdtype), []))


@pytest.fixture(autouse=True)
def zone(monkeypatch: pytest.MonkeyPatch) -> Zone:
    """Email tests never ask real DNS: every name is unknown unless a test publishes it."""
    fake = Zone()
    monkeypatch.setattr(senderauth, "resolve", fake.resolve)
    return fake


@pytest.fixture
def sink(request: pytest.FixtureRequest) -> Iterator[Sink]:
    """The outbound SMTP server; parametrize it indirectly to set its idle timeout."""
    server = Sink(timeout=getattr(request, "param", 300.0))
    yield server
    server.controller.stop()


@pytest.fixture
def email_settings(config: settings.Settings, sink: Sink) -> settings.Settings:
    """The test settings plus an outbound SMTP server (the sink)."""
    return settings.configure(config.model_copy(update={"smtp_url": SecretStr(sink.url)}))


@pytest.fixture
def support(email_settings: settings.Settings) -> int:
    email_config.forget_cache()
    channel_id = email_config.ensure_support_address(SUPPORT, SYSTEM)
    email_config.forget_cache()
    return channel_id


@pytest.fixture
def listener(support: int) -> Iterator[int]:
    port = free_port()
    controller = start_listener("127.0.0.1", port, max_bytes=200_000)
    yield port
    controller.stop()


def _require_dovecot() -> None:
    if shutil.which("dovecot") is None:
        if os.environ.get("CI"):
            pytest.fail("CI must test IMAP against Dovecot: .ci/run installs dovecot-imapd")
        pytest.skip("IMAP tests need Dovecot (apt-get install dovecot-imapd); not installed")


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    """One TLS-only Dovecot for the session; each test takes a mailbox user of its own."""
    _require_dovecot()
    server = Dovecot(tls=True).start()
    yield server
    server.stop()


@pytest.fixture
def plaintext_dovecot() -> Iterator[Dovecot]:
    """A server offering neither TLS nor STARTTLS, which the poller must refuse."""
    _require_dovecot()
    server = Dovecot(tls=False).start()
    yield server
    server.stop()
