"""What the SLA listener reads, read once per transaction instead of once per event: the
enabled policies, channels' business hours, and each ticket's SLA state, running timers and
finished metrics, loaded for every ticket of a dispatch batch in three queries.

The SLA listener is the only writer of states, timers and results inside a transaction (the
sweeper claims due timers in its own), so the listener keeps what it loaded current as it
adds and drops rows (``Clocks`` shares the dicts). The memo (``minidesk.memo``) ties all of
it to the transaction and forgets it on any rollback, a savepoint's included, since
rolled-back rows must be read again. A policy or channel written in the transaction (an
admin's edit, a seed) is read again, as is a policy added and not yet flushed.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk import events, memo
from minidesk.channels.hours import BusinessHours
from minidesk.channels.models import Channel
from minidesk.sla.models import SlaPolicy, SlaResult, SlaTicket, SlaTimer

_POLICIES = "sla.enabled_policies"
_TICKETS = "sla.tickets"
_HOURS = "sla.channel_hours"


def enabled_policies(session: Session) -> list[SlaPolicy]:
    """The enabled policies (few: a workspace has a handful), read once per transaction."""

    def read() -> list[SlaPolicy]:
        return list(session.scalars(select(SlaPolicy).where(SlaPolicy.enabled.is_(True))))

    return memo.get(session, _POLICIES, read)


memo.forget_when_written(SlaPolicy, _POLICIES)


def channel_hours(session: Session, channel_id: int) -> BusinessHours | None:
    """A channel's business hours (None: around the clock), parsed once per transaction:
    every timer of every ticket on the channel counts in them. A channel written in the
    transaction is read again."""
    hours: dict[int, BusinessHours | None] = memo.get(session, _HOURS, dict)
    if channel_id not in hours:
        channel = session.get(Channel, channel_id)
        stored = channel.business_hours if channel is not None else None
        hours[channel_id] = BusinessHours.model_validate(stored) if stored else None
    return hours[channel_id]


# A channel added in the transaction has no timers yet: only writes matter.
memo.forget_when_written(Channel, _HOURS, added=False)


class Tickets:
    """Loaded SLA rows by ticket id; holds them strongly, as the session does not."""

    def __init__(self) -> None:
        self.states: dict[int, SlaTicket | None] = {}
        self.timers: dict[int, dict[str, SlaTimer]] = {}
        self.results: set[tuple[int, str]] = set()

    def load(self, session: Session, ticket_ids: Iterable[int]) -> None:
        wanted = sorted(set(ticket_ids) - self.states.keys())
        if not wanted:
            return
        for ticket_id in wanted:
            self.states[ticket_id] = None
            self.timers[ticket_id] = {}
        for state in session.scalars(select(SlaTicket).where(SlaTicket.ticket_id.in_(wanted))):
            self.states[state.ticket_id] = state
        for timer in session.scalars(select(SlaTimer).where(SlaTimer.ticket_id.in_(wanted))):
            self.timers[timer.ticket_id][timer.metric] = timer
        finished = select(SlaResult.ticket_id, SlaResult.metric).where(
            SlaResult.ticket_id.in_(wanted)
        )
        self.results.update((row[0], str(row[1])) for row in session.execute(finished).all())

    def has_result(self, ticket_id: int, metric: str) -> bool:
        return (ticket_id, str(metric)) in self.results


def tickets_for(session: Session, ticket_id: int) -> Tickets:
    """The SLA rows of ``ticket_id``, and of every ticket of the dispatch batch with it."""
    held: Tickets = memo.get(session, _TICKETS, Tickets)
    if ticket_id not in held.states:
        batch = {e.ticket_id for e in events.batch(session) if e.ticket_id is not None}
        held.load(session, batch | {ticket_id})
    return held
