"""The hints port: how the core tells whatever runs background work that a row is ready.

``inbox``, ``outbox`` and ``events`` write their rows and, after commit, say so here; the job
backend (``minidesk.jobs``) installs itself at start-up and turns each hint into a queued job.
The core therefore never imports the backend, and the backend may import the core freely.

A hint is only a wake-up call: the row is the truth, and the periodic sweep finds every row
whose hint was lost. So a process with no backend installed (a one-off command, a script)
drops hints and its rows wait for the sweep; nothing is lost.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Protocol

log = logging.getLogger(__name__)


class Hints(Protocol):
    def inbox_accepted(self, inbox_id: int) -> None:
        """Inbox row ``inbox_id`` is stored and waits to be processed."""

    def outbox_due(self, outbox_id: int, eta: dt.datetime | None = None) -> None:
        """Outbox row ``outbox_id`` is to be delivered now, or at ``eta`` (a retry)."""

    def events_committed(self, event_ids: list[int]) -> None:
        """Events ``event_ids`` are committed and wait for their listeners."""

    def long_job_due(self, name: str) -> None:
        """Long job ``name`` (a feature's ``periodic.LongJob``) has work now."""


class Dropped:
    """No backend in this process: the sweep of whichever worker runs next finds the rows."""

    def inbox_accepted(self, inbox_id: int) -> None:
        log.debug("no job backend: inbox row %s waits for the sweep", inbox_id)

    def outbox_due(self, outbox_id: int, eta: dt.datetime | None = None) -> None:
        log.debug("no job backend: outbox row %s waits for the sweep", outbox_id)

    def events_committed(self, event_ids: list[int]) -> None:
        log.debug("no job backend: events %s wait for the sweep", event_ids)

    def long_job_due(self, name: str) -> None:
        log.debug("no job backend: long job %s waits for the sweep", name)


_backend: Hints = Dropped()


def install(backend: Hints) -> None:
    """Send this process's hints to ``backend`` (the job backend calls this when configured)."""
    global _backend
    _backend = backend


def inbox_accepted(inbox_id: int) -> None:
    _backend.inbox_accepted(inbox_id)


def outbox_due(outbox_id: int, eta: dt.datetime | None = None) -> None:
    _backend.outbox_due(outbox_id, eta)


def events_committed(event_ids: list[int]) -> None:
    _backend.events_committed(event_ids)


def long_job_due(name: str) -> None:
    _backend.long_job_due(name)
