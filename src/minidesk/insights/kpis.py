"""The KPI report recomputed in full: each metric of docs/metrics.md per period (day, week,
month; UTC) and per agent, team, channel or intent, from the event log exactly as published
there. The dashboards read the rollups (``insights.report``); this is their reference, and the
only way to name the tickets behind a number (a drill-down).

Tickets are folded into facts (``insights.facts``) from their events; survey metrics read
``survey.answered`` events. A metric's time base decides its period: creation for first
response, volume, escalation and chat abandonment; the first solve for resolution, FCR,
reopen, containment and turns; the answer for CSAT, NPS and CES."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from minidesk.desk.models import Team, Ticket, User
from minidesk.event_kinds import EventKind
from minidesk.events import Event
from minidesk.insights.cells import (
    MAX_TURNS,
    NONE_LABEL,
    SURVEY_METRICS,
    Cell,
    Dimension,
    KpiRow,
    Period,
    micros,
    period_start,
)
from minidesk.insights.facts import EventRow, TicketFacts, fold
from minidesk.insights.models import SurveyKind

FACT_KINDS = (
    EventKind.TICKET_CREATED,
    EventKind.MESSAGE_SENT,
    EventKind.MESSAGE_RECEIVED,
    EventKind.TICKET_STATUS_CHANGED,
    EventKind.TICKET_TIER_CHANGED,
    EventKind.CHAT_VISITOR_LEFT,
    EventKind.RESOLUTION_HANDED_OFF,
)
CHUNK = 500  # ids per IN list: well under every driver's parameter limit


def key_column(by: Dimension) -> Any:
    return {
        Dimension.ALL: None,
        Dimension.AGENT: Ticket.assignee_id,
        Dimension.TEAM: Ticket.team_id,
        Dimension.CHANNEL: Ticket.channel,
        Dimension.INTENT: Ticket.intent,
    }[by]


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _tickets(
    session: Session, since: dt.datetime, until: dt.datetime, by: Dimension,
    teams: Collection[int] | None,
) -> dict[int, str | None]:  # fmt: skip
    """Tickets that may count in the range (created in it, or still unsolved or solved since
    its start) → their dimension key."""
    column = key_column(by)
    query = select(Ticket.id, column if column is not None else Ticket.id).where(
        Ticket.created_at < until,
        or_(Ticket.created_at >= since, Ticket.solved_at.is_(None), Ticket.solved_at >= since),
    )
    if teams is not None:
        query = query.where(Ticket.team_id.in_(list(teams)))
    found = {}
    for ticket_id, key in session.execute(query):
        found[ticket_id] = None if column is None or key is None else str(key)
    return found


def ticket_facts(session: Session, ticket_ids: Sequence[int]) -> Iterator[tuple[int, TicketFacts]]:
    for chunk in _chunks(sorted(ticket_ids)):
        yield from _folded(session, Event.ticket_id.in_(chunk))


def facts_between(session: Session, first: int, last: int) -> Iterator[tuple[int, TicketFacts]]:
    """The facts of the tickets with ids from ``first`` to ``last`` that have events: one range
    read (a rebuild folds every ticket, and reads fewer index pages so than by id lists)."""
    yield from _folded(session, Event.ticket_id.between(first, last))


def _folded(session: Session, which: Any) -> Iterator[tuple[int, TicketFacts]]:
    rows: dict[int, list[EventRow]] = defaultdict(list)
    query = (
        select(Event.ticket_id, Event.kind, Event.created_at, Event.actor_type,
               Event.automated, Event.data)
        .where(which, Event.kind.in_([str(k) for k in FACT_KINDS]))
        .order_by(Event.ticket_id, Event.id)
    )  # fmt: skip
    for ticket_id, kind, created_at, actor_type, automated, data in session.execute(query):
        rows[ticket_id].append(EventRow(kind, created_at, actor_type, automated, data))
    for ticket_id, events in rows.items():
        yield ticket_id, fold(events)


def _answers(
    session: Session,
    since: dt.datetime,
    until: dt.datetime,
    by: Dimension,
    teams: Collection[int] | None,
) -> Iterable[tuple[int, str | None, dt.datetime, str, int]]:
    """(ticket, its key, answered at, kind, score) of each survey's last answer in the range,
    in one query joined to the tickets (of ``teams``, when given)."""
    column = key_column(by)
    query = (
        select(
            Event.ticket_id,
            column if column is not None else Event.ticket_id,
            Event.created_at,
            Event.data,
        )
        .join(Ticket, Ticket.id == Event.ticket_id)
        .where(
            Event.kind == EventKind.SURVEY_ANSWERED,
            Event.created_at >= since,
            Event.created_at < until,
        )
        .order_by(Event.id)
    )
    if teams is not None:
        query = query.where(Ticket.team_id.in_(list(teams)))
    last: dict[int, tuple[int, str | None, dt.datetime, str, int]] = {}
    for ticket_id, key, created_at, data in session.execute(query):
        row_key = None if column is None or key is None else str(key)
        last[data["survey_id"]] = (ticket_id, row_key, created_at, data["survey_kind"],
                                   data["score"])  # fmt: skip
    return last.values()


def kpis(
    session: Session,
    since: dt.datetime,
    until: dt.datetime,
    period: Period,
    by: Dimension,
    teams: Collection[int] | None = None,
) -> list[KpiRow]:
    """Rows ordered by period then key; ``teams`` narrows to those teams' tickets."""
    keys = _tickets(session, since, until, by, teams)
    cells: dict[tuple[dt.date, str | None], Cell] = defaultdict(Cell)

    def cell(moment: dt.datetime, key: str | None) -> Cell | None:
        if not since <= moment < until:
            return None
        return cells[(period_start(moment, period), key)]

    for ticket_id, facts in ticket_facts(session, list(keys)):
        _count_ticket(ticket_id, facts, keys[ticket_id], cell)
    count_answers(session, since, until, by, teams, cell)
    labels = labels_of(session, by, {key for _, key in cells})
    return [
        KpiRow(
            day,
            key,
            labels.get(key, key or NONE_LABEL),
            cells[(day, key)].values(),
            dict(cells[(day, key)].members),
        )
        for day, key in sorted(cells, key=lambda k: (k[0], k[1] or ""))
    ]


def count_answers(
    session: Session,
    since: dt.datetime,
    until: dt.datetime,
    by: Dimension,
    teams: Collection[int] | None,
    cell: Any,
) -> None:
    """Add each survey's last answer in the range to its cell."""
    for ticket_id, key, answered_at, kind, score in _answers(session, since, until, by, teams):
        target = cell(answered_at, key)
        if target is not None:
            target.answer(SurveyKind(kind), score)
            target.add(ticket_id, "survey_answers", *SURVEY_METRICS[SurveyKind(kind)])


def _count_ticket(ticket_id: int, facts: TicketFacts, key: str | None, cell: Any) -> None:
    created = facts.created_at
    if created is not None and (target := cell(created, key)) is not None:
        target.created += 1
        target.add(ticket_id, "tickets_created")
        if facts.escalated:
            target.escalated += 1
            target.add(ticket_id, "escalation_rate")
        if facts.chat:
            target.chats += 1
            target.add(ticket_id, "chats_started")
            if facts.abandoned:
                target.chats_abandoned += 1
                target.add(ticket_id, "chat_abandonment_rate")
        if facts.first_human_reply_at is not None:
            target.first_response_micros += micros(facts.first_human_reply_at - created)
            target.first_response_count += 1
            target.add(ticket_id, "first_response_seconds")
    solved = facts.first_solved_at
    if solved is None or (target := cell(solved, key)) is None:
        return
    target.solved += 1
    target.add(ticket_id, "tickets_solved")
    if created is not None:
        target.resolution_micros += micros(solved - created)
        target.resolution_count += 1
        target.add(ticket_id, "resolution_seconds")
    counted = {
        "first_contact_resolution": facts.human_replies_before_solve <= 1 and not facts.reopened,
        "reopen_rate": facts.reopened,
        "containment_rate": facts.contained,
        "resolved_within_3_turns": facts.customer_messages_before_solve <= MAX_TURNS,
    }
    target.fcr += counted["first_contact_resolution"]
    target.reopened += counted["reopen_rate"]
    target.contained += counted["containment_rate"]
    target.within_turns += counted["resolved_within_3_turns"]
    target.add(ticket_id, *(metric for metric, yes in counted.items() if yes))


def labels_of(session: Session, by: Dimension, keys: set[str | None]) -> dict[str | None, str]:
    if by == Dimension.ALL:
        return {None: "all"}
    ids = [int(k) for k in keys if k is not None] if by in (Dimension.AGENT, Dimension.TEAM) else []
    if by == Dimension.AGENT and ids:
        users = session.execute(select(User.id, User.name, User.email).where(User.id.in_(ids)))
        return {str(i): name or email for i, name, email in users}
    if by == Dimension.TEAM and ids:
        teams = session.execute(select(Team.id, Team.name).where(Team.id.in_(ids)))
        return {str(i): name for i, name in teams}
    return {}
