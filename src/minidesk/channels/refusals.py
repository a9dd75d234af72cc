"""Recording provider webhooks refused for a bad signature: always in the log, and as a
``channel.webhook_refused`` event at most once a minute per channel and process, so a flood
of forgeries cannot fill the event log while an admin still sees that something is wrong
(a forger, or a secret rotated at the provider and not here)."""

from __future__ import annotations

import logging
import threading
import time

from minidesk.db import Database
from minidesk.event_kinds import EventKind
from minidesk.events import SYSTEM, emit

log = logging.getLogger(__name__)

EVENT_INTERVAL_SECONDS = 60.0
_last: dict[int, float] = {}
_lock = threading.Lock()


def do_record_refusal(db: Database, channel_id: int, kind: str, reason: str, client: str) -> None:
    log.warning("refused a %s webhook for channel %s from %s: %s", kind, channel_id, client, reason)
    now = time.monotonic()
    with _lock:
        last = _last.get(channel_id)
        if last is not None and now - last < EVENT_INTERVAL_SECONDS:
            return
        _last[channel_id] = now
    with db.transaction() as session:
        emit(
            session,
            EventKind.CHANNEL_WEBHOOK_REFUSED,
            SYSTEM,
            channel_id=channel_id,
            channel=kind,
            reason=reason,
        )


def forget() -> None:
    """Tests: start every channel's interval afresh."""
    with _lock:
        _last.clear()
