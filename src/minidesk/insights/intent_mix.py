"""Top intents and intent coverage (docs/metrics.md): which intents bring most of the tickets
created in a range, and how many intents it takes to cover a target share of them (the
question behind automating the head of the distribution: "do 8-12 intents cover 70-80%?").

Tickets triage left without an intent count in the denominator and can never be covered: a
desk whose classifier abstains on a third of its tickets should see that in the coverage."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from minidesk.desk.models import Ticket
from minidesk.insights.ops_rows import share

DEFAULT_TOP = 10
MAX_TOP = 100
DEFAULT_TARGET = 0.8


@dataclass(frozen=True)
class IntentCount:
    intent: str
    tickets: int
    share: float | None
    cumulative_share: float | None


def _created_in(since: dt.datetime, until: dt.datetime, teams: Collection[int] | None) -> Any:
    """Tickets created in the range, of the teams. The team (and the intent, below) is compared
    as an expression, which no index serves: SQLite's planner would otherwise search
    ``ix_tickets_team_id`` or ``ix_tickets_intent`` (an equality beats a range without
    statistics) and fetch every ticket of the team or intent ever created, instead of the
    range's entries of ``ix_tickets_created``, which hold all the columns read here."""
    where = (Ticket.created_at >= since) & (Ticket.created_at < until)
    if teams is not None:
        where &= (Ticket.team_id + 0).in_(list(teams))
    return where


def intent_mix(
    session: Session,
    since: dt.datetime,
    until: dt.datetime,
    teams: Collection[int] | None = None,
    top: int = DEFAULT_TOP,
    target: float = DEFAULT_TARGET,
) -> dict[str, Any]:
    count = func.count(Ticket.id)
    query = (
        select(Ticket.intent, count).where(_created_in(since, until, teams)).group_by(Ticket.intent)
    )
    counts: dict[str, int] = {}
    unclassified = 0
    for intent, tickets in session.execute(query):
        if intent is None:
            unclassified = tickets
        else:
            counts[intent] = tickets
    total = unclassified + sum(counts.values())
    # Most tickets first; ties by name, so the list is stable from one run to the next.
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    running, rows, needed = 0, [], None
    for rank, (intent, tickets) in enumerate(ranked, start=1):
        running += tickets
        covered = share(running, total)
        if needed is None and total and running / total >= target:
            needed = rank
        if rank <= top:
            rows.append(IntentCount(intent, tickets, share(tickets, total), covered))
    return {
        "tickets": total,
        "unclassified": unclassified,
        "intents": len(ranked),
        "top": top,
        "top_coverage": share(sum(r.tickets for r in rows), total),
        "target": target,
        "intents_for_target": needed,
        "items": rows,
    }


def tickets_of_intent(
    session: Session,
    since: dt.datetime,
    until: dt.datetime,
    intent: str | None,
    teams: Collection[int] | None = None,
) -> list[int]:
    """The tickets behind one line (``None``: those without an intent), for the drill-down."""
    unindexed = Ticket.intent.concat("")
    query = select(Ticket.id).where(
        _created_in(since, until, teams),
        unindexed.is_(None) if intent is None else unindexed == intent,
    )
    return list(session.scalars(query.order_by(Ticket.id)))


def intents_csv(items: Iterable[IntentCount]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["intent", "tickets", "share", "cumulative_share"])
    for i in items:
        writer.writerow([i.intent, i.tickets, "" if i.share is None else i.share,
                         "" if i.cumulative_share is None else i.cumulative_share])  # fmt: skip
    return out.getvalue()
