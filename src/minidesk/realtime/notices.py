"""Change notices: what the broker carries between processes and how each becomes a message.

A notice names an event (id, kind, ticket, message) and never its data: PostgreSQL NOTIFY
takes at most 8000 bytes, and a body in flight would bypass the visibility check the hub
makes on every recipient. Clients fetch what changed through the REST API, which checks again.
Signals (presence, viewing, typing) are ephemeral and never Event rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from minidesk.desk.models import OPEN_STATUSES
from minidesk.event_kinds import EventKind
from minidesk.events import Committed
from minidesk.realtime.scope import TicketScope

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
# Changes that can take a ticket out of a view or out of an agent's sight, and the field of
# ``scope.TicketScope`` each changes: their notices carry the value before the change.
SIGHT: dict[str, str] = {
    EventKind.TICKET_STATUS_CHANGED: "open",
    EventKind.TICKET_ASSIGNED: "assignee_id",
    EventKind.TICKET_TEAM_CHANGED: "team_id",
}
Before = tuple[str, int | bool | None]


@dataclass(frozen=True)
class Notice:
    """One committed event about a ticket, as the stream needs it."""

    event_id: int
    kind: str
    ticket: int
    message: int | None
    # For a kind in ``SIGHT``: the field and its value before the change (None if unknown).
    before: Before | None = None

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

    def render(self, ticket: TicketScope) -> dict[str, Any]:
        """What a socket gets, with ``ticket``'s state now."""
        message: dict[str, Any] = {
            "type": self.type,
            "kind": self.kind,
            "ticket": self.ticket,
            "event": self.event_id,
            "status_open": ticket.open,
            "assignee": ticket.assignee_id,
            "team": ticket.team_id,
        }
        if self.message is not None:
            message["message"] = self.message
        if (changed := CHANGED.get(self.kind)) is not None:
            message["changed"] = [changed]
        return message


@dataclass(frozen=True)
class DeskNotice:
    """One committed event of no ticket, of a kind the stream carries (``audience``)."""

    event_id: int
    kind: str
    customer: int | None  # the customer it is about, if any
    subject: int | None  # the user it is about (``audience``: its owner, for a personal view)
    team: int | None = None  # the team it is about (a team's, or a view shared with it)

    def render(self) -> dict[str, Any]:
        message: dict[str, Any] = {
            "type": "desk.changed",
            "kind": self.kind,
            "event": self.event_id,
        }
        if self.customer is not None:
            message["customer"] = self.customer
        if self.subject is not None:
            message["user"] = self.subject
        if self.team is not None:
            message["team"] = self.team
        return message


def from_events(events: Sequence[Committed]) -> list[Notice]:
    """The notices for committed events about tickets (events of no ticket are
    ``audience.from_events``'s)."""
    return [
        Notice(event.id, event.kind, event.ticket_id, event.message_id, _before(event))
        for event in events
        if event.ticket_id is not None
    ]


def _before(event: Committed) -> Before | None:
    if (name := SIGHT.get(event.kind)) is None:
        return None
    # ``Event`` rows and ``emit_many``'s or ``record``'s records carry their payloads.
    data = getattr(event, "data", None)
    if not isinstance(data, dict) or "before" not in data:
        return None
    value = data["before"]
    return (name, value in OPEN_STATUSES) if name == "open" else (name, value)


def encode(notices: Sequence[Notice], desk: Sequence[DeskNotice] = ()) -> Iterator[str]:
    """Payloads of at most ``MAX_PAYLOAD_BYTES`` each, carrying ``notices`` in order, then
    ``desk`` notices in order."""
    rows: list[list[Any]] = []
    for notice in notices:
        row: list[Any] = [notice.event_id, notice.kind, notice.ticket, notice.message]
        if notice.before is not None:
            row.append(notice.before[1])  # the field follows from the kind
        rows.append(row)
    yield from _payloads("e", rows)
    yield from _payloads("d", [[n.event_id, n.kind, n.customer, n.subject, n.team] for n in desk])


def _payloads(key: str, rows: Sequence[list[Any]]) -> Iterator[str]:
    batch: list[list[Any]] = []
    size = 0
    for row in rows:
        row_size = len(json.dumps(row)) + 1
        if batch and size + row_size > MAX_PAYLOAD_BYTES - 10:
            yield json.dumps({key: batch}, separators=(",", ":"))
            batch, size = [], 0
        batch.append(row)
        size += row_size
    if batch:
        yield json.dumps({key: batch}, separators=(",", ":"))


def encode_signal(signal: dict[str, Any]) -> str:
    return json.dumps({"s": signal}, separators=(",", ":"))


def encode_access(users: Sequence[int]) -> str:
    """The users whose role, teams, active flag or tokens a transaction changed
    (``access_changes``): a few ids, far below the payload limit."""
    return json.dumps({"a": list(users)}, separators=(",", ":"))


@dataclass(frozen=True)
class Decoded:
    notices: list[Notice]
    signals: list[dict[str, Any]]
    desk: list[DeskNotice] = field(default_factory=list)
    access: list[int] = field(default_factory=list)  # users whose access changed


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
            case [int(event_id), str(kind), int(ticket), int() | None as message, before]:
                name = SIGHT.get(kind)
                valid = isinstance(before, int | bool) or before is None
                notices.append(
                    Notice(
                        event_id,
                        kind,
                        ticket,
                        message,
                        (name, before) if name is not None and valid else None,
                    )
                )
    desk = []
    for row in body.get("d", ()):
        match row:
            case [int(event_id), str(kind), int() | None as customer, int() | None as subject]:
                # A peer of the version before teams and views were streamed: a view notice
                # without its fifth field would read as a view shared with everyone.
                if not kind.startswith("view."):
                    desk.append(DeskNotice(event_id, kind, customer, subject))
            case [
                int(event_id),
                str(kind),
                int() | None as customer,
                int() | None as subject,
                int() | None as team,
            ]:
                desk.append(DeskNotice(event_id, kind, customer, subject, team))
    signal = body.get("s")
    access = [user for user in body.get("a", ()) if type(user) is int]
    return Decoded(notices, [signal] if isinstance(signal, dict) else [], desk, access)
