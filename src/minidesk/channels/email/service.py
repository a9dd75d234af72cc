"""What the email channel runs beside the web server and the job workers: the configured
support address, the inbound SMTP listener and the IMAP watcher (``minidesk.cli`` starts them)."""

from __future__ import annotations

from dataclasses import dataclass

from aiosmtpd.controller import Controller

from minidesk.channels.email import config, smtp_in
from minidesk.channels.email.watcher import Watcher
from minidesk.events import SYSTEM
from minidesk.settings import Settings


def ensure_support_address(settings: Settings) -> int | None:
    """Create the ``MINIDESK_SUPPORT_ADDRESS`` channel if it is missing; its id."""
    if not settings.support_address:
        return None
    return config.ensure_support_address(settings.support_address, SYSTEM)


@dataclass
class Running:
    listener: Controller | None = None
    watcher: Watcher | None = None

    def stop(self) -> None:
        if self.listener is not None:
            self.listener.stop()
        if self.watcher is not None:
            self.watcher.stop()


def start(settings: Settings, *, smtp: bool, imap: bool) -> Running:
    """Start the SMTP listener (when ``smtp`` and a port is set) and the IMAP watcher."""
    running = Running()
    if smtp and settings.inbound_smtp_port:
        running.listener = smtp_in.start_listener(
            settings.inbound_smtp_host, settings.inbound_smtp_port, settings.email_max_bytes
        )
    if imap:
        running.watcher = Watcher(poll_seconds=settings.imap_poll_seconds).start()
    return running
