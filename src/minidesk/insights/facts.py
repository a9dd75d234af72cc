"""One ticket's event stream folded into the facts every KPI is defined on (docs/metrics.md).

Pure functions over events in id order, so the definitions read in one place and a test can
fold a hand-written timeline the same way the report does."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from minidesk.desk.models import OPEN_STATUSES, Status
from minidesk.event_kinds import EventKind
from minidesk.events import ActorType

# Survey answers are now filed without reopening (``insights.replies``); before, a reply that
# was only an answer reopened the ticket and this status change undid it. Event logs from
# then keep such pairs, and they are not a reopen in any metric.
SURVEY_ANSWER_WHY = "survey answered"
# The bot handing a conversation to a person raises its tier too; that is measured by
# containment, not counted as an escalation.
HAND_OFF_WHY = "hand-off"
CHAT = "chat"  # the live chat's channel kind: the chats of the abandonment rate


@dataclass(frozen=True)
class EventRow:
    """The columns of an event the facts need (a tuple per row, not an ORM object)."""

    kind: str
    created_at: dt.datetime
    actor_type: str
    automated: bool
    data: dict[str, Any]


@dataclass
class TicketFacts:
    created_at: dt.datetime | None = None
    first_human_reply_at: dt.datetime | None = None
    first_solved_at: dt.datetime | None = None
    # Counted up to the first solve.
    human_replies_before_solve: int = 0
    human_replies_total: int = 0
    customer_messages_before_solve: int = 0
    reopened: bool = False
    escalated: bool = False
    # A live chat, and whether its visitor left before the first reply (a person's or the
    # bot's; not the bot's notice that it handed the chat to a person).
    chat: bool = False
    abandoned: bool = False
    replied: bool = False
    # (when, before, after) of each status change, in id order: the backlog's open spans
    # (``insights.backlog_spans``).
    status_changes: list[tuple[dt.datetime, Any, Any]] = field(default_factory=list, repr=False)
    # When each customer message came, solved or not: the days cost per contact counts
    # (``insights.contact_days``), read here rather than from the log a second time.
    received_at: list[dt.datetime] = field(default_factory=list, repr=False, compare=False)
    _pending_reopen: bool = field(default=False, repr=False)

    @property
    def contained(self) -> bool:
        """Solved with no reply from a person: the bot or automation did it alone."""
        return self.first_solved_at is not None and self.human_replies_before_solve == 0


def _is_human_reply(event: EventRow) -> bool:
    return event.kind == EventKind.MESSAGE_SENT and event.actor_type == ActorType.USER


def fold(events: Iterable[EventRow]) -> TicketFacts:
    facts = TicketFacts()
    for event in events:
        kind = event.kind
        if kind == EventKind.MESSAGE_RECEIVED:
            facts.received_at.append(event.created_at)
        if kind == EventKind.MESSAGE_SENT:
            facts.replied = True
        elif kind == EventKind.RESOLUTION_HANDED_OFF and facts.first_human_reply_at is None:
            # The bot's hand-off notice ("a person will follow up") answered nothing: the
            # chat waits for a person from here on.
            facts.replied = False
        if kind == EventKind.TICKET_CREATED:
            facts.created_at = event.created_at
            facts.chat = event.data.get("channel") == CHAT
        elif kind == EventKind.CHAT_VISITOR_LEFT and not facts.replied:
            facts.abandoned = True
        elif _is_human_reply(event):
            if facts.first_human_reply_at is None:
                facts.first_human_reply_at = event.created_at
            facts.human_replies_total += 1
            if facts.first_solved_at is None:
                facts.human_replies_before_solve += 1
        elif kind == EventKind.MESSAGE_RECEIVED and facts.first_solved_at is None:
            facts.customer_messages_before_solve += 1
        elif kind == EventKind.TICKET_TIER_CHANGED:
            before, after = event.data.get("before"), event.data.get("after")
            raised = isinstance(before, int) and isinstance(after, int) and after > before
            if raised and event.data.get("why") != HAND_OFF_WHY:
                facts.escalated = True
        elif kind == EventKind.TICKET_STATUS_CHANGED:
            _status(facts, event)
    if facts._pending_reopen:
        facts.reopened = True
    return facts


def _status(facts: TicketFacts, event: EventRow) -> None:
    before, after = event.data.get("before"), event.data.get("after")
    facts.status_changes.append((event.created_at, before, after))
    if facts._pending_reopen:
        # The change after a reopen decides it: straight back to solved for a survey answer
        # means the reply was only the answer.
        undone = after == Status.SOLVED and event.data.get("why") == SURVEY_ANSWER_WHY
        facts.reopened = facts.reopened or not undone
        facts._pending_reopen = False
    if after in (Status.SOLVED, Status.CLOSED) and facts.first_solved_at is None:
        facts.first_solved_at = event.created_at
    elif before == Status.SOLVED and after in OPEN_STATUSES and facts.first_solved_at:
        facts._pending_reopen = True
