"""Root causes: which intents drive the work, and which contacts cost the most and why.

Per intent, over tickets created in the range (the ``ticket.created`` event, as for the KPI
report's volume): their share of volume, their handling effort (person replies, the touches an
agent spends; handle time is not tracked yet) and its share, the reopen and escalation counts,
and the trend (volume against the range just before, of the same length). The costliest
contacts are the tickets with the most person replies, with the facts that explain them.

Read from the rollups (``kpi_daily`` per intent and creation day and its replies histogram,
``kpi_ticket_facts`` in order of creation day and replies); ``insights.rootcause_full``
recomputes the same report from the event log, and a test holds the two equal."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from minidesk.insights.cells import NONE_LABEL, Dimension
from minidesk.insights.daily import REPLIES
from minidesk.insights.rollup_models import NO_KEY, KpiDaily, KpiTicketFacts

TOP_CONTACTS = 10
MANY_TURNS = 3  # more customer messages than this before the solve is worth naming


@dataclass
class IntentFigures:
    """What the report adds up per intent."""

    tickets: Counter[str]
    touches: Counter[str]
    reopened: Counter[str]
    escalated: Counter[str]
    previous: Counter[str]


def why(replies: int, reopened: bool, escalated: bool, turns: int, solved: bool) -> list[str]:
    """The facts that explain a costly contact, most telling first."""
    found = [f"{replies} replies by agents"]
    if reopened:
        found.append("reopened")
    if escalated:
        found.append("escalated")
    if turns > MANY_TURNS:
        found.append(f"{turns} customer messages before solved")
    if not solved:
        found.append("not solved yet")
    return found


def costliest_order(replies: int, created_day: dt.date, ticket_id: int) -> tuple[int, int, int]:
    """The costliest contacts' order: most replies first, then the newest (the later creation
    day, then the higher number). Days before numbers, so the replies histogram's days find
    the newest ties without reading every ticket at the threshold."""
    return (-replies, -created_day.toordinal(), -ticket_id)


def report(figures: IntentFigures, contacts: list[dict[str, Any]]) -> dict[str, Any]:
    """The report's JSON: intents by volume, then the costliest contacts (in
    ``costliest_order``)."""
    volume, touches = figures.tickets, figures.touches
    total, effort = sum(volume.values()), sum(touches.values())
    rows = []
    # Ties in volume by name, so the order does not depend on how the counts were read.
    for intent, n in sorted(volume.items(), key=lambda item: (-item[1], item[0])):
        previous = figures.previous.get(intent, 0)
        rows.append(
            {
                "intent": intent,
                "tickets": n,
                "share": round(n / total, 4),
                "touches": touches[intent],
                "touches_per_ticket": round(touches[intent] / n, 2),
                "effort_share": round(touches[intent] / effort, 4) if effort else None,
                "reopened": figures.reopened[intent],
                "escalated": figures.escalated[intent],
                "previous_tickets": previous,
                "trend": round((n - previous) / previous, 4) if previous else None,
            }
        )
    return {"intents": rows, "costliest": contacts[:TOP_CONTACTS]}


def _days(since: dt.datetime, until: dt.datetime) -> tuple[dt.date, dt.date]:
    return since.date(), (until - dt.timedelta(microseconds=1)).date()


def _per_intent(
    session: Session, since: dt.datetime, until: dt.datetime, teams: Collection[int] | None,
    *sums: Any,
) -> list[Any]:  # fmt: skip
    first, last = _days(since, until)
    query = (
        select(KpiDaily.key, *(func.sum(column) for column in sums))
        .where(KpiDaily.dimension == str(Dimension.INTENT))
        .where(KpiDaily.day >= first, KpiDaily.day <= last)
        .group_by(KpiDaily.key)
    )
    if teams is not None:
        query = query.where(KpiDaily.team_key.in_(list(teams)))
    return list(session.execute(query))


def _label(key: str | None) -> str:
    return NONE_LABEL if key in (None, NO_KEY) else str(key)


def root_causes(
    session: Session, since: dt.datetime, until: dt.datetime, teams: Collection[int] | None
) -> dict[str, Any]:
    """Whole UTC days from ``since`` to before ``until``; ``teams`` narrows to their tickets."""
    figures = IntentFigures(Counter(), Counter(), Counter(), Counter(), Counter())
    in_range = _per_intent(
        session, since, until, teams,
        KpiDaily.created, KpiDaily.touches, KpiDaily.created_reopened, KpiDaily.escalated,
    )  # fmt: skip
    for key, created, touches, reopened, escalated in in_range:
        if created:
            intent = _label(key)
            figures.tickets[intent] = int(created)
            figures.touches[intent] = int(touches)
            figures.reopened[intent] = int(reopened)
            figures.escalated[intent] = int(escalated)
    for key, created in _per_intent(session, since - (until - since), since, teams,
                                    KpiDaily.created):  # fmt: skip
        if created:
            figures.previous[_label(key)] = int(created)
    return report(figures, _costliest(session, since, until, teams))


def _costliest(
    session: Session, since: dt.datetime, until: dt.datetime, teams: Collection[int] | None
) -> list[dict[str, Any]]:
    """The tickets created in the range with the most person replies, newest first among
    equals (``costliest_order``), in four small reads whatever the range: the replies
    histogram (``kpi_daily``'s ``REPLIES`` rows) gives the threshold the tenth ticket reaches
    and the days that hold the tickets above it and the newest at it; only those days'
    tickets are read, in the order of an index on (creation day, replies, ticket)."""
    first, last = _days(since, until)
    histogram = _histogram(session, first, last, teams, KpiDaily.key)
    counts = sorted(((int(key), int(n)) for key, n in histogram if n), reverse=True)
    if not counts:
        return []
    # The threshold: the reply count of the tenth costliest ticket (or of the last one).
    seen, threshold = 0, counts[-1][0]
    for replies, n in counts:
        seen += n
        if seen >= TOP_CONTACTS:
            threshold = replies
            break
    above = sum(n for replies, n in counts if replies > threshold)
    keys = [str(replies) for replies, _ in counts if replies >= threshold]
    days = _histogram(session, first, last, teams, KpiDaily.day, KpiDaily.key, keys=keys)
    days_above = sorted({day for day, key, n in days if n and int(key) > threshold})
    # The newest days at the threshold, until they hold the tickets still wanted.
    wanted, held, since_day = TOP_CONTACTS - above, 0, last
    for day, key, n in sorted(days, key=lambda row: row[0], reverse=True):
        if n and int(key) == threshold and held < wanted:
            held, since_day = held + int(n), day
    facts = KpiTicketFacts
    found = _contacts(session, teams, facts.created_day.in_(days_above),
                      facts.human_replies_total > threshold)  # fmt: skip
    found += _contacts(session, teams, facts.created_day >= since_day, facts.created_day <= last,
                       facts.human_replies_total == threshold,
                       newest=wanted)  # fmt: skip
    found.sort(key=lambda row: costliest_order(row.human_replies_total, row.created_day,
                                               row.ticket_id))  # fmt: skip
    return [
        {
            "ticket_number": row.ticket_id,
            "intent": _label(row.intent),
            "touches": row.human_replies_total,
            "why": why(
                row.human_replies_total,
                row.reopened,
                row.escalated,
                row.customer_messages_before_solve,
                row.solved_day is not None,
            ),
        }
        for row in found[:TOP_CONTACTS]
    ]


def _histogram(
    session: Session, first: dt.date, last: dt.date, teams: Collection[int] | None, *by: Any,
    keys: list[str] | None = None,
) -> list[Any]:  # fmt: skip
    """Tickets created in the range per ``by`` (reply count, day), from the replies rows."""
    query = (
        select(*by, func.sum(KpiDaily.created))
        .where(KpiDaily.dimension == REPLIES, KpiDaily.day >= first, KpiDaily.day <= last)
        .group_by(*by)
    )
    if keys is not None:
        query = query.where(KpiDaily.key.in_(keys))
    if teams is not None:
        query = query.where(KpiDaily.team_key.in_(list(teams)))
    return list(session.execute(query))


def _contacts(
    session: Session, teams: Collection[int] | None, *where: Any, newest: int | None = None
) -> list[Any]:
    """The costliest contacts' columns (not ORM objects) of the tickets ``where`` selects;
    only the ``newest`` ones when given."""
    facts = KpiTicketFacts
    query = select(
        facts.ticket_id,
        facts.created_day,
        facts.intent,
        facts.human_replies_total,
        facts.reopened,
        facts.escalated,
        facts.customer_messages_before_solve,
        facts.solved_day,
    ).where(*where)
    if teams is not None:
        query = query.where(facts.team_id.in_(list(teams)))
    if newest is not None:
        query = query.order_by(facts.created_day.desc(), facts.ticket_id.desc()).limit(newest)
    return list(session.execute(query))
