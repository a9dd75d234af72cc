"""Change notices: what the broker carries between processes and how each becomes a message.

A notice names an event (id, kind, ticket, message) and never its data: PostgreSQL NOTIFY
takes at most 8000 bytes, and a body in flight would bypass the visibility check the hub
makes on every recipient. Clients fetch what changed through the REST API, which checks again.
Signals (presence, viewing, typing) are ephemeral and never Event rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from minidesk.event_kinds import EventKind
from minidesk.events import Committed

# NOTIFY's payload limit is 8000 bytes; stay clear of it for every broker alike.
MAX_PAYLOAD_BYTES = 7000

# What a ticket event changed, for ``ticket.updated``; a client refetches just that part.
CHANGED: dict[str, str] = {
    EventKind.TICKET_STATUS_CHANGED: "status",
    EventKind.TICKET_PRIORITY_CHANGED: "priority",
    EventKind.TICKET_TIER_CHANGED: "tier",
    EventKind.TICKET_ASSIGNED: "assignee",
    EventKind.TICKET_TEAM_CHANGED: "team",
    EventKind.TICKET_TAGS_CHANGED: "tags",
    EventKind.TICKET_INTENT_CORRECTED: "intent",
    EventKind.TICKET_FIELDS_CHANGED: "custom_fields",
}
MESSAGE_KINDS = frozenset(
    {EventKind.MESSAGE_RECEIVED, EventKind.MESSAGE_SENT, EventKind.NOTE_ADDED}
)


@dataclass(frozen=True)
class Notice:
    """One committed event about a ticket, as the stream needs it."""

    event_id: int
    kind: str
    ticket: int
    message: int | None

    @property
    def type(self) -> str:
        """The message type clients see: ``ticket.created``, ``ticket.updated``,
        ``message.created``, or ``ticket.activity`` for anything else on the timeline."""
        if self.kind == EventKind.TICKET_CREATED:
            return "ticket.created"
        if self.kind in CHANGED:
            return "ticket.updated"
        if self.kind in MESSAGE_KINDS:
            return "message.created"
        return "ticket.activity"


def from_events(events: Sequence[Committed]) -> list[Notice]:
    """The notices for committed events. Events of no ticket (a customer edit, a rule saved)
    are not streamed: the stream is about tickets, and visibility is defined through them."""
    return [
        Notice(event.id, event.kind, event.ticket_id, event.message_id)
        for event in events
        if event.ticket_id is not None
    ]


def encode(notices: Sequence[Notice]) -> Iterator[str]:
    """Payloads of at most ``MAX_PAYLOAD_BYTES`` each, carrying ``notices`` in order."""
    batch: list[list[Any]] = []
    size = 0
    for notice in notices:
        row = [notice.event_id, notice.kind, notice.ticket, notice.message]
        row_size = len(json.dumps(row)) + 1
        if batch and size + row_size > MAX_PAYLOAD_BYTES - 10:
            yield json.dumps({"e": batch}, separators=(",", ":"))
            batch, size = [], 0
        batch.append(row)
        size += row_size
    if batch:
        yield json.dumps({"e": batch}, separators=(",", ":"))


def encode_signal(signal: dict[str, Any]) -> str:
    return json.dumps({"s": signal}, separators=(",", ":"))


@dataclass(frozen=True)
class Decoded:
    notices: list[Notice]
    signals: list[dict[str, Any]]


def decode(payload: str | bytes) -> Decoded:
    """A payload from any broker; malformed parts are dropped (a peer of another version)."""
    try:
        body = json.loads(payload)
    except ValueError:
        return Decoded([], [])
    if not isinstance(body, dict):
        return Decoded([], [])
    notices = []
    for row in body.get("e", ()):
        match row:
            case [int(event_id), str(kind), int(ticket), int() | None as message]:
                notices.append(Notice(event_id, kind, ticket, message))
    signal = body.get("s")
    return Decoded(notices, [signal] if isinstance(signal, dict) else [])
