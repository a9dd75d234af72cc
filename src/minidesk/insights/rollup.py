"""The KPI rollups kept current: listeners re-fold the tickets whose events a dispatch batch
holds and apply the difference to the per-day rows, in the listener's transaction; ``rebuild``
recomputes every rollup from the event log (``minidesk insights rebuild``).

Re-folding a ticket's own events (one indexed read of a few rows) rather than adding one event
at a time makes the listener idempotent: hearing an event twice, or out of order, writes the
same rows. ``tests/insights/test_rollups.py`` holds the kept rollups equal to ``rebuild`` and
the report from them (``insights.report``) equal to the full one (``insights.kpis``)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Collection, Sequence
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, exists, select, update
from sqlalchemy.orm import Session

from minidesk import events
from minidesk.desk.models import Ticket, TicketTag
from minidesk.event_kinds import EventKind
from minidesk.events import Event
from minidesk.insights import backlog_spans, contact_days, repeat_days, repeat_gaps, work_days
from minidesk.insights.backlog import OPEN
from minidesk.insights.cells import MAX_TURNS
from minidesk.insights.daily import (
    CHUNK,
    FACT_COLUMNS,
    Deltas,
    apply,
    difference,
)
from minidesk.insights.daily_sums import rebuild_daily
from minidesk.insights.facts import TicketFacts, fold
from minidesk.insights.kpis import FACT_KINDS, facts_between, ticket_facts
from minidesk.insights.rollup_models import KpiBacklogSpan, KpiTicketFacts, bulk_insert
from minidesk.insights.survey_days import (
    fresh_rows,
    rebuild_surveys,
    replace_rows,
    stored_rows,
)

# The kinds that change the keys a ticket is counted under (its facts come from FACT_KINDS).
KEY_KINDS = (
    EventKind.TICKET_ASSIGNED,
    EventKind.TICKET_TEAM_CHANGED,
    EventKind.TICKET_INTENT_CORRECTED,
    EventKind.TICKET_TAGS_CHANGED,  # not a key, but read with them: whether it has a tag
)
HEARD = frozenset(str(kind) for kind in (*FACT_KINDS, *KEY_KINDS))
_FACTS = cast("Table", KpiTicketFacts.__table__)
# Sets the columns its parameters name; the ticket is bound as ``id``, as a bound parameter
# may not take a column's name in an UPDATE's WHERE.
_UPDATE_FACTS = update(_FACTS).where(_FACTS.c.ticket_id == bindparam("id"))
_DONE = "minidesk.insights.rollup.done"
_SURVEYS_DONE = "minidesk.insights.rollup.surveys_done"


def facts_row(ticket_id: int, facts: TicketFacts, keys: dict[str, Any]) -> dict[str, Any]:
    """A kpi_ticket_facts row: the ticket's facts, ``keys`` (assignee, team, channel, intent)
    it is counted under, whether it is tagged (``keys["tagged"]``) and, while its status now
    (``keys["status"]``) is open, its creation (``keys["created_at"]``) for the backlog."""
    created, solved = facts.created_at, facts.first_solved_at
    first_reply = facts.first_human_reply_at
    return {
        "ticket_id": ticket_id,
        "created_day": created.astimezone(dt.UTC).date() if created else None,
        "solved_day": solved.astimezone(dt.UTC).date() if solved else None,
        "created_at": created,
        "first_solved_at": solved,
        "first_response_seconds": (first_reply - created).total_seconds()
        if created and first_reply
        else None,
        "resolution_seconds": (solved - created).total_seconds() if created and solved else None,
        "first_contact": solved is not None
        and facts.human_replies_before_solve <= 1
        and not facts.reopened,
        "reopened": solved is not None and facts.reopened,
        "contained": facts.contained,
        "within_turns": solved is not None and facts.customer_messages_before_solve <= MAX_TURNS,
        "escalated": facts.escalated,
        "chat": facts.chat,
        "abandoned": facts.chat and facts.abandoned,
        "human_replies_total": facts.human_replies_total,
        "customer_messages_before_solve": facts.customer_messages_before_solve,
        "assignee_id": keys["assignee_id"],
        "team_id": keys["team_id"],
        "channel": keys["channel"],
        "intent": keys["intent"],
        "tagged": bool(keys["tagged"]),
        "backlog_since": keys["created_at"] if keys["status"] in OPEN else None,
    }


def _keys(session: Session, ticket_ids: Sequence[int], lock: bool) -> dict[int, dict[str, Any]]:
    tagged = exists().where(TicketTag.ticket_id == Ticket.id).label("tagged")
    query = select(Ticket.id, Ticket.assignee_id, Ticket.team_id, Ticket.channel, Ticket.intent,
                   Ticket.status, Ticket.created_at, Ticket.customer_id, tagged)  # fmt: skip
    query = query.where(Ticket.id.in_(ticket_ids)).order_by(Ticket.id)
    if lock:
        # Two workers refreshing one ticket would both subtract its old contribution: the
        # ticket's row lock makes the second wait and read the first one's facts.
        query = query.with_for_update()
    return {row.id: dict(row._mapping) for row in session.execute(query)}


def _folded(
    session: Session,
    ticket_ids: Sequence[int],
    keys: dict[int, dict[str, Any]],
    ranged: bool = False,
) -> list[tuple[int, TicketFacts]]:
    """Each ticket's facts from its events; a ticket open now without any (one imported from
    before the event log) still gets an empty fold, so the backlog counts it as the full
    report does. Listeners and the rebuild share this, so they keep the same rows; the rebuild
    (``ranged``) passes a run of ids, read as one range. A listener's batch of new tickets is
    a run too, but is read by its ids: SQLite plans the range by the kind index instead of
    the ticket's, reading every event of those kinds in the log for a few dozen tickets."""
    if ranged and len(ticket_ids) > 1 and ticket_ids[-1] - ticket_ids[0] == len(ticket_ids) - 1:
        found = dict(facts_between(session, ticket_ids[0], ticket_ids[-1]))
    else:
        found = dict(ticket_facts(session, ticket_ids))
    for ticket_id in ticket_ids:
        if ticket_id not in found and ticket_id in keys and keys[ticket_id]["status"] in OPEN:
            found[ticket_id] = fold([])
    return sorted(found.items())


def refresh(session: Session, ticket_ids: Sequence[int], surveys: bool = False) -> int:
    """Recompute the facts of ``ticket_ids`` from their events (and, ``surveys``, their
    surveys' day rows from their answers) and move their per-day counts accordingly; returns
    how many tickets' rows changed."""
    changed = 0
    ids = sorted(set(ticket_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        keys = _keys(session, chunk, lock=True)
        # Plain rows, read and written with Core: ORM objects (a constructor, attribute
        # events and a flush each) cost more than the rest of the refresh.
        stored = {
            row.ticket_id: row._mapping
            for row in session.execute(select(_FACTS).where(_FACTS.c.ticket_id.in_(chunk)))
        }
        kept_answers = stored_rows(session, chunk)
        answers = fresh_rows(session, chunk) if surveys else kept_answers
        deltas: Deltas = defaultdict(Counter)
        gap_moves: list[repeat_days.Change] = []
        work_moves: dict[int, tuple[dict[str, Any], dict[str, Any]]] = {}
        contact_keys: dict[int, tuple[contact_days.Keys, contact_days.Keys]] = {}
        # Compared whatever the facts (a status change can move a span and no fact), for the
        # tickets with a status change: without one (most that a new message refreshes) a
        # ticket has no span, and never had, as events are only ever added.
        spans: dict[int, list[dict[str, Any]]] = {}
        received: dict[int, list[dt.datetime]] = {}
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        for ticket_id, facts in _folded(session, chunk, keys):
            row = facts_row(ticket_id, facts, keys[ticket_id])
            received[ticket_id] = facts.received_at
            if facts.status_changes:
                spans[ticket_id] = backlog_spans.span_rows(ticket_id, keys[ticket_id],
                                                           facts.status_changes)  # fmt: skip
            existing = stored.get(ticket_id)
            before = None if existing is None else {c: existing[c] for c in FACT_COLUMNS}
            # The gap stays until ``repeat_gaps.keep`` below recomputes it (and moves its
            # counters); meanwhile it counts under the ticket's new keys and solve day.
            row["repeat_gap_micros"] = None if before is None else before["repeat_gap_micros"]
            contact_keys[ticket_id] = (
                None if before is None else {c: before[c] for c in contact_days.KEY_COLUMNS},
                {c: row[c] for c in contact_days.KEY_COLUMNS},
            )  # a message received changes no fact once solved: compared whatever the facts
            old, new = kept_answers.get(ticket_id, []), answers.get(ticket_id, [])
            if before == row and old == new:
                continue
            for row_key, counts in difference((before, old), (row, new)).items():
                deltas[row_key].update(counts)
            gap_moves.append((before, row))
            # Until its first facts row, a ticket's work counted under its own keys, unsolved.
            was = before or {**keys[ticket_id], "solved_day": None}
            old_keys = {c: was[c] for c in work_days.KEY_COLUMNS}
            if old_keys != (new_keys := {c: row[c] for c in work_days.KEY_COLUMNS}):
                work_moves[ticket_id] = (old_keys, new_keys)
            (inserts if existing is None else updates).append(row)
            changed += 1
        session.flush()
        if inserts:
            session.execute(bulk_insert(KpiTicketFacts), inserts)
        if updates:
            session.execute(_UPDATE_FACTS, [_set_by_id(row) for row in updates])
        if surveys:
            replace_rows(session, chunk, answers)
        apply(session, {k: c for k, c in deltas.items() if any(c.values())})
        backlog_spans.keep(session, spans)
        repeat_days.move(session, gap_moves)
        work_days.move_keys(session, work_moves)
        if not surveys:  # an answer moves no solve, opens no ticket and writes no message
            repeat_gaps.keep(session, repeat_gaps.affected(session, chunk))
            contact_days.keep(session, contact_keys, received)
    return changed


def _set_by_id(row: dict[str, Any]) -> dict[str, Any]:
    """``row``'s parameters for ``_UPDATE_FACTS``."""
    return {("id" if name == "ticket_id" else name): value for name, value in row.items()}


def rebuild(session: Session) -> dict[str, int]:
    """The full recomputation: every ticket's facts from its events, the per-day rows from
    those facts, every survey's day rows from its answers.

    Tickets are folded by ranges of ids, each first solve's repeat gap taken against all its
    customer's creation times read once (``repeat_gaps.keep`` reads those per 500 tickets:
    for a large customer, all of its tickets each time), and written with the facts."""
    session.execute(delete(KpiTicketFacts))
    session.execute(delete(KpiBacklogSpan))
    creations = repeat_gaps.every_creation(session)
    ids = list(session.scalars(select(Ticket.id).order_by(Ticket.id)))
    tickets = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        keys = _keys(session, chunk, lock=False)
        rows, spans = [], []
        for i, facts in _folded(session, chunk, keys, ranged=True):
            row = facts_row(i, facts, keys[i])
            spans += backlog_spans.span_rows(i, keys[i], facts.status_changes)
            solved = row["first_solved_at"]
            later = creations.get(keys[i]["customer_id"], [])
            row["repeat_gap_micros"] = None if solved is None else repeat_gaps.gap(solved, later)
            rows.append(row)
        if rows:
            session.execute(bulk_insert(KpiTicketFacts), rows)
        if spans:
            session.execute(bulk_insert(KpiBacklogSpan), spans)
        tickets += len(rows)
    # kpi_daily counts the answers' day rows: those first.
    survey_days = rebuild_surveys(session)
    return {"tickets": tickets, "daily_rows": rebuild_daily(session), "survey_days": survey_days,
            "repeat_days": repeat_days.rebuild_repeat_days(session),
            "work_days": work_days.rebuild_work_days(session),
            "contact_days": contact_days.rebuild_contact_days(session)}


def _batch_tickets(session: Session, event: Event, kinds: Collection[str], done: str) -> list[int]:
    """The tickets to refresh for ``event``: on the first event of a dispatch batch, every
    ticket the batch's events of ``kinds`` are about (one pass for all); later events of the
    same batch find theirs done."""
    if event.ticket_id is None:
        return []
    finished = events.marked(session, done)
    if isinstance(finished, frozenset) and event.ticket_id in finished:
        return []
    current = events.batch(session)
    ids = {e.ticket_id for e in current if e.kind in kinds and e.ticket_id is not None}
    return sorted(ids | {event.ticket_id})


def _mark_done(session: Session, done: str, ticket_ids: list[int]) -> None:
    # A batch mark: should a shared savepoint roll this refresh back, the mark goes with it
    # and the retry refreshes again.
    events.mark(session, done, frozenset(ticket_ids))


@events.listen(
    EventKind.TICKET_CREATED,
    EventKind.MESSAGE_SENT,
    EventKind.MESSAGE_RECEIVED,
    EventKind.TICKET_STATUS_CHANGED,
    EventKind.TICKET_TIER_CHANGED,
    EventKind.CHAT_VISITOR_LEFT,
    EventKind.RESOLUTION_HANDED_OFF,
    EventKind.TICKET_ASSIGNED,
    EventKind.TICKET_TEAM_CHANGED,
    EventKind.TICKET_INTENT_CORRECTED,
    EventKind.TICKET_TAGS_CHANGED,
    automated=True,
    transactional=True,  # its once-per-batch mark is rolled back with its rows
)
def keep_current(session: Session, event: Event) -> None:
    """Every kind of ``kpis.FACT_KINDS`` and ``KEY_KINDS`` (a test holds the lists equal)."""
    ids = _batch_tickets(session, event, HEARD, _DONE)
    if ids:
        refresh(session, ids)
        _mark_done(session, _DONE, ids)


@events.listen(EventKind.SURVEY_ANSWERED, automated=True, transactional=True)
def keep_surveys_current(session: Session, event: Event) -> None:
    kinds = {str(EventKind.SURVEY_ANSWERED)}
    ids = _batch_tickets(session, event, kinds, _SURVEYS_DONE)
    if ids:
        refresh(session, ids, surveys=True)
        _mark_done(session, _SURVEYS_DONE, ids)


@events.listen(
    EventKind.CUSTOMER_MERGED, EventKind.CUSTOMER_UNMERGED, automated=True, transactional=True
)
def keep_repeat_gaps(session: Session, event: Event) -> None:
    """A merge or its undo moves tickets between customers: each one's next contact may be
    another now."""
    customers = {event.data["source_id"], event.data["target_id"]}
    repeat_gaps.keep(session, repeat_gaps.of_customers(session, customers))
