"""The append-only event log: ticket timeline, audit trail, and the source of listener jobs.

Every state change calls ``emit()`` in the transaction that makes it. After that transaction
commits, the new events are handed to the realtime publisher (``set_publisher``) and the job
queue; ``dispatch_many()`` claims a batch of
events once (one conditional UPDATE, so several workers can run) and calls the listeners
registered for each event's kind, each in a savepoint so one failing listener cannot undo
another's work.

Kinds come from the catalogue in ``minidesk.event_kinds``: ``emit()`` and ``listen()`` refuse
any other, always, because a kind nobody catalogued is a typo that would otherwise make a rule
or listener silently never fire (a set lookup, so production pays nothing for it). Payloads
are checked against the catalogue's schemas only in strict mode (the test suite turns it on
with ``set_strict``), since that check costs more than the event itself.

The log is split by responsibility: ``model`` (the ``Event`` row, actors, reading the log),
``emission`` (``emit``, ``emit_many``, ``record`` in a ``deferred`` block, strict payload
checks, the after-commit hand-off),
``registry`` (``listen`` and who hears what) and ``dispatch`` (claiming events and running
their listeners in savepoints). Import the names from here; the modules are how it is kept.
"""

from __future__ import annotations

from minidesk.events.dispatch import batch, dispatch, dispatch_many, in_batch, mark, marked
from minidesk.events.emission import (
    Committed,
    PayloadError,
    Pending,
    Publisher,
    Recorded,
    deferred,
    emit,
    emit_many,
    record,
    set_publisher,
    set_strict,
    violations,
)
from minidesk.events.model import (
    STATUS_CHANGES,
    SYSTEM,
    Actor,
    ActorType,
    Event,
    changed,
    of_kind_on_tickets,
    timeline,
    undispatched,
)
from minidesk.events.registry import (
    ALL,
    Listener,
    Registered,
    listen,
    listened_kinds,
    listeners_for,
)

__all__ = [
    "ALL",
    "STATUS_CHANGES",
    "SYSTEM",
    "Actor",
    "ActorType",
    "Committed",
    "Event",
    "Listener",
    "PayloadError",
    "Pending",
    "Publisher",
    "Recorded",
    "Registered",
    "batch",
    "changed",
    "deferred",
    "dispatch",
    "dispatch_many",
    "emit",
    "emit_many",
    "in_batch",
    "listen",
    "listened_kinds",
    "listeners_for",
    "mark",
    "marked",
    "of_kind_on_tickets",
    "record",
    "set_publisher",
    "set_strict",
    "timeline",
    "undispatched",
    "violations",
]
