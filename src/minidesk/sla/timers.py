"""Ticket timers: set, re-matched, paused, resumed and stopped by the events of a ticket.

- ``ticket.created`` matches a policy and starts first response and resolution;
- triage, priority, team, tags and intent changes re-match: a new policy re-times the running
  targets from when each started;
- the first reply by a person stops first response; each customer message after a reply starts
  next response (if not already running), which the next reply stops;
- pending and on-hold pause every running target (the time left is kept), any other open
  status resumes it; solved or closed stops them, a reopen starts resolution again.

Everything is timed from ``event.created_at``, so a listener that runs late (a busy queue)
still sets the due times the event's moment called for.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from minidesk import events
from minidesk.automation.conditions import lifetime_value_sources
from minidesk.channels.hours import BusinessHours
from minidesk.desk import tickets
from minidesk.desk.models import OPEN_STATUSES, Status, Ticket
from minidesk.event_kinds import EventKind
from minidesk.events import Event
from minidesk.sla import clock
from minidesk.sla.loaded import channel_hours, enabled_policies, tickets_for
from minidesk.sla.matching import LifetimeValue, TicketFacts, first_match
from minidesk.sla.models import Metric, SlaPolicy, SlaResult, SlaTicket, SlaTimer

PAUSED = (Status.PENDING, Status.ON_HOLD)
DONE = (Status.SOLVED, Status.CLOSED)
REMATCH = (
    EventKind.MESSAGE_TRIAGED,
    EventKind.TICKET_PRIORITY_CHANGED,
    EventKind.TICKET_TEAM_CHANGED,
    EventKind.TICKET_TAGS_CHANGED,
    EventKind.TICKET_INTENT_CORRECTED,
)


def calendar(session: Session, policy: SlaPolicy | None, ticket: Ticket) -> BusinessHours | None:
    """The hours business targets count in: the policy's, else the ticket's channel's."""
    if policy is not None and policy.business_hours:
        return BusinessHours.model_validate(policy.business_hours)
    if ticket.channel_id is not None:
        return channel_hours(session, ticket.channel_id)
    return None


def _lifetime_value(session: Session, ticket: Ticket) -> LifetimeValue:
    def value(currency: str) -> int | None:
        for source in lifetime_value_sources:
            found = source(session, ticket.customer_id, currency)
            if found is not None:
                return found
        return None

    return value


class Clocks:
    """The SLA state of one ticket while one event is applied to it. Its rows come from
    ``sla.loaded`` (read for the whole dispatch batch at once), and every row it adds or
    drops is added to or dropped from there too."""

    def __init__(self, session: Session, ticket: Ticket, now: dt.datetime) -> None:
        self.session, self.ticket, self.now = session, ticket, now
        self.loaded = tickets_for(session, ticket.id)
        state = self.loaded.states[ticket.id]
        if state is None:
            state = SlaTicket(ticket_id=ticket.id, flags=[])
            session.add(state)
            self.loaded.states[ticket.id] = state
        self.state = state
        self.timers = self.loaded.timers[ticket.id]  # shared: starts and drops stay current
        self.dropped = False
        policy_id = state.policy_id
        self.policy = session.get(SlaPolicy, policy_id) if policy_id is not None else None

    def hours(self, timer: SlaTimer) -> BusinessHours | None:
        return calendar(self.session, self.policy, self.ticket) if timer.business else None

    # Matching.

    def rematch(self) -> None:
        facts = TicketFacts.of(
            self.ticket, self.state.flags or [], _lifetime_value(self.session, self.ticket)
        )
        policy = first_match(enabled_policies(self.session), facts)
        if policy is not None and self.policy is not None and policy.id == self.policy.id:
            return
        self.policy, self.state.policy_id = policy, policy.id if policy else None
        targets = policy.targets if policy is not None else {}
        for metric, timer in list(self.timers.items()):
            if metric not in targets:
                self._drop(metric)
            else:
                self._time(timer, targets[metric], timer.started_at)
        if self.ticket.status not in DONE:
            if Metric.FIRST_RESPONSE not in self.timers and not self.has_result(
                Metric.FIRST_RESPONSE
            ):
                self.start(Metric.FIRST_RESPONSE, self.ticket.created_at)
            if Metric.RESOLUTION not in self.timers:
                self.start(Metric.RESOLUTION, self.ticket.created_at)

    def has_result(self, metric: Metric) -> bool:
        return self.loaded.has_result(self.ticket.id, metric)

    # Starting and timing.

    def start(self, metric: Metric, since: dt.datetime) -> None:
        target = (self.policy.targets if self.policy is not None else {}).get(metric)
        if target is None or metric in self.timers:
            return
        timer = SlaTimer(ticket_id=self.ticket.id, metric=metric, started_at=since)
        self.session.add(timer)
        self.timers[metric] = timer
        self._time(timer, target, since)

    def _time(self, timer: SlaTimer, target: dict[str, object], since: dt.datetime) -> None:
        seconds, business = int(str(target["seconds"])), bool(target.get("business"))
        timer.policy_id = self.policy.id if self.policy is not None else None
        timer.target_seconds, timer.business = seconds, business
        hours = self.hours(timer)
        pauses: list[clock.Pause] = []
        if self.state.paused_at is not None:
            pauses.append((self.state.paused_at, None))
        if pauses and clock.elapsed(hours, since, self.now, pauses) < seconds:
            # Paused: keep what is left, due again when the ticket resumes.
            left = seconds - clock.elapsed(hours, since, self.state.paused_at or self.now)
            timer.due_at, timer.warn_at, timer.remaining_seconds = None, None, max(left, 0.0)
            return
        timer.remaining_seconds = None
        timer.due_at = clock.add(hours, since, seconds)
        timer.warn_at = self._warn_at(hours, since, seconds)
        if timer.breached_at is not None and timer.due_at > self.now:
            timer.breached_at = None  # a longer target under the new policy is not breached yet
        if timer.warned_at is not None and (timer.warn_at is None or timer.warn_at > self.now):
            timer.warned_at = None

    def _warn_at(
        self, hours: BusinessHours | None, since: dt.datetime, seconds: float
    ) -> dt.datetime | None:
        lead = self.policy.warn_before_seconds if self.policy is not None else 0
        if lead <= 0 or lead >= seconds:
            return None
        return clock.add(hours, since, seconds - lead)

    # Pausing.

    def pause(self) -> None:
        if self.state.paused_at is not None:
            return
        self.state.paused_at = self.now
        for timer in self.timers.values():
            if timer.due_at is None or timer.breached_at is not None or timer.due_at <= self.now:
                continue  # already due: the sweeper will record the breach
            timer.remaining_seconds = clock.elapsed(self.hours(timer), self.now, timer.due_at)
            timer.due_at = timer.warn_at = None

    def resume(self) -> None:
        if self.state.paused_at is None:
            return
        self.state.paused_at = None
        for timer in self.timers.values():
            if timer.remaining_seconds is None:
                continue
            hours, left = self.hours(timer), timer.remaining_seconds
            timer.due_at = clock.add(hours, self.now, left)
            lead = self.policy.warn_before_seconds if self.policy is not None else 0
            timer.warn_at = clock.add(hours, self.now, left - lead) if 0 < lead < left else None
            timer.remaining_seconds = None

    # Stopping.

    def stop(self, metric: Metric, record: bool = True) -> None:
        timer = self.timers.get(metric)
        if timer is None:
            return
        if record:
            late = timer.breached_at is not None or (
                timer.due_at is not None and self.now >= timer.due_at
            )
            self.session.add(
                SlaResult(
                    ticket_id=self.ticket.id,
                    metric=metric,
                    policy_id=timer.policy_id,
                    channel=self.ticket.channel,
                    team_id=self.ticket.team_id,
                    assignee_id=self.ticket.assignee_id,
                    due_at=timer.due_at,
                    breached=late,
                    ended_at=self.now,
                )
            )
            self.loaded.results.add((self.ticket.id, str(metric)))
        self._drop(metric)

    def _drop(self, metric: str) -> None:
        timer = self.timers.pop(metric)
        self.session.delete(timer)
        self.dropped = True


@events.listen(
    EventKind.TICKET_CREATED,
    EventKind.MESSAGE_RECEIVED,
    EventKind.MESSAGE_SENT,
    EventKind.TICKET_STATUS_CHANGED,
    EventKind.MESSAGE_TRIAGED,
    EventKind.TICKET_PRIORITY_CHANGED,
    EventKind.TICKET_TEAM_CHANGED,
    EventKind.TICKET_TAGS_CHANGED,
    EventKind.TICKET_INTENT_CORRECTED,
    automated=True,
    transactional=True,
)
def follow(session: Session, event: Event) -> None:
    """Every ticket change that moves a clock, whoever made it (triage and rules too)."""
    if event.ticket_id is None:
        return
    ticket = tickets.for_listener(session, event.ticket_id)
    if ticket is None:
        return
    clocks = Clocks(session, ticket, event.created_at)
    kind = event.kind
    if kind == EventKind.TICKET_CREATED:
        clocks.rematch()
    elif kind in REMATCH:
        if kind == EventKind.MESSAGE_TRIAGED:
            flags = set(clocks.state.flags or []) | set(event.data.get("flags") or [])
            clocks.state.flags = sorted(flags)
        clocks.rematch()
    elif kind == EventKind.MESSAGE_SENT:
        # A bot's or a rule's acknowledgement is not a response a person promised.
        if not event.data.get("automated"):
            clocks.stop(Metric.FIRST_RESPONSE)
            clocks.stop(Metric.NEXT_RESPONSE)
    elif kind == EventKind.MESSAGE_RECEIVED:
        answered = Metric.FIRST_RESPONSE not in clocks.timers and clocks.has_result(
            Metric.FIRST_RESPONSE
        )
        # A message filed on a ticket that stays solved (a survey answer) awaits no reply.
        if answered and not event.data.get("new_ticket") and ticket.status not in DONE:
            clocks.start(Metric.NEXT_RESPONSE, event.created_at)
    elif kind == EventKind.TICKET_STATUS_CHANGED:
        _status(clocks, event.data.get("before"), event.data.get("after"))
    if clocks.dropped:
        # A flush writes inserts before deletes: a later event of the batch that starts the
        # same metric again must not meet this timer's row on the (ticket, metric) key.
        session.flush()


def _status(clocks: Clocks, before: object, after: object) -> None:
    if after in PAUSED:
        clocks.pause()
    elif after in DONE:
        clocks.resume()
        clocks.stop(Metric.RESOLUTION)
        for metric in (Metric.FIRST_RESPONSE, Metric.NEXT_RESPONSE):
            clocks.stop(metric, record=False)  # solved without a reply: nothing was promised
    elif after in OPEN_STATUSES:
        clocks.resume()
        if before in DONE:
            clocks.start(Metric.RESOLUTION, clocks.now)
