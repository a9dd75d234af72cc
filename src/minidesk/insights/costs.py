"""Cost per contact (docs/metrics.md): what the desk spent in a range of UTC days (agents'
handle time at the hourly cost, tooling prorated by day, outbound SMS and WhatsApp messages at
their unit prices) over the tickets customers wrote to in it, per team, channel or intent
(the ticket's current one). Amounts are integer minor units of the settings' currency."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Collection
from fractions import Fraction

from sqlalchemy import func, literal, select
from sqlalchemy.orm import Session

from minidesk.desk.models import Message, Ticket
from minidesk.event_kinds import EventKind
from minidesk.events import Event
from minidesk.insights.contact_days import contact_counts
from minidesk.insights.cost_models import CostSettings
from minidesk.insights.handle_time import handle_seconds
from minidesk.insights.kpis import Dimension, KpiRow, key_column
from minidesk.insights.ops_rows import Tally, Values, as_rows

METRICS: tuple[str, ...] = (
    "contacts",
    "handle_seconds",
    "handle_cost",
    "tooling_cost",
    "sms_messages",
    "whatsapp_messages",
    "messaging_cost",
    "total_cost",
    "cost_per_contact",
)
DIMENSIONS = (Dimension.ALL, Dimension.CHANNEL, Dimension.TEAM, Dimension.INTENT)
SMS, WHATSAPP = "sms", "whatsapp"
# A month is a twelfth of a 365-day year, so every day of the year carries the same tooling
# cost whatever the month's length.
DAYS_PER_MONTH = Fraction(365, 12)


def minor(amount: Fraction) -> int:
    """Rounded half up to a whole minor unit (amounts are never negative)."""
    return math.floor(amount + Fraction(1, 2))


def contacts(
    session: Session,
    start: dt.datetime,
    end: dt.datetime,
    by: Dimension,
    teams: Collection[int] | None,
) -> dict[str | None, set[int]]:
    """Per key, the tickets with a customer's message received from ``start`` to ``end``."""
    column = key_column(by)
    key = literal(None) if column is None else column
    query = (
        select(Event.ticket_id, key)
        .join(Ticket, Ticket.id == Event.ticket_id)
        .where(Event.kind == EventKind.MESSAGE_RECEIVED.value,
               Event.created_at >= start, Event.created_at < end)
        .distinct()
    )  # fmt: skip
    if teams is not None:
        query = query.where(Ticket.team_id.in_(list(teams)))
    found: dict[str | None, set[int]] = defaultdict(set)
    for ticket_id, k in session.execute(query):
        found[None if k is None else str(k)].add(ticket_id)
    return found


def messages_out(
    session: Session,
    start: dt.datetime,
    end: dt.datetime,
    by: Dimension,
    teams: Collection[int] | None,
) -> dict[str | None, dict[str, int]]:
    """Per key, the outbound SMS and WhatsApp messages written from ``start`` to ``end``."""
    column = key_column(by)
    key = literal(None) if column is None else column
    query = (
        select(key, Message.channel, func.count(Message.id))
        .join(Ticket, Ticket.id == Message.ticket_id)
        .where(Message.direction == "outbound", Message.channel.in_((SMS, WHATSAPP)),
               Message.created_at >= start, Message.created_at < end)
        .group_by(Message.channel, *([] if column is None else [column]))
    )  # fmt: skip
    if teams is not None:
        query = query.where(Ticket.team_id.in_(list(teams)))
    found: dict[str | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for k, channel, count in session.execute(query):
        found[None if k is None else str(k)][channel] += int(count)
    return found


def cost_per_contact(
    session: Session,
    since: dt.date,
    until: dt.date,
    by: Dimension,
    costs: CostSettings,
    teams: Collection[int] | None = None,
    drill: bool = False,
) -> list[KpiRow]:
    """One row per key (period: ``since``) that had contacts, handle time or messages. The
    contacts are summed from ``kpi_contact_days``; ``drill`` counts them from the events
    instead and lists them (the drill-down, and the recomputation the tests hold equal)."""
    start = dt.datetime.combine(since, dt.time(), dt.UTC)
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), dt.UTC)
    reached = contacts(session, start, end, by, teams) if drill else {}
    counts = ({k: len(t) for k, t in reached.items()} if drill
              else contact_counts(session, since, until, by, teams))  # fmt: skip
    # Tooling is shared by every contact of the workspace, so a lead restricted to their
    # teams sees their contacts' share, never the whole bill. Unrestricted, the keys split
    # every contact once (a ticket has one key): no second read.
    if teams is None:
        everyone = sum(counts.values())
    elif drill:
        everyone = len(contacts(session, start, end, Dimension.ALL, None).get(None, ()))
    else:
        everyone = contact_counts(session, since, until, Dimension.ALL, None).get(None, 0)
    days = (until - since).days + 1
    tooling = Fraction(costs.tooling_month) * days / DAYS_PER_MONTH
    per_contact_tooling = tooling / everyone if everyone else Fraction(0)
    seconds = handle_seconds(session, since, until, by, teams)
    sent = messages_out(session, start, end, by, teams)
    tallies: dict[tuple[dt.date, str | None], Tally] = {}
    for key in set(counts) | {k for k, s in seconds.items() if s} | set(sent):
        tally = tallies[(since, key)] = Tally()
        for ticket in sorted(reached.get(key, ())):
            tally.count(ticket, "contacts")
        tally.counts["contacts"] = counts.get(key, 0)
    key_of = {id(t): key for (_, key), t in tallies.items()}

    def row_values(tally: Tally) -> Values:
        key = key_of[id(tally)]
        n = tally.counts["contacts"]
        handle = minor(Fraction(seconds.get(key, 0) * costs.agent_hour, 3600))
        shared = minor(per_contact_tooling * n)
        sms = sent.get(key, {}).get(SMS, 0)
        whatsapp = sent.get(key, {}).get(WHATSAPP, 0)
        messaging = sms * costs.sms_message + whatsapp * costs.whatsapp_message
        total = handle + shared + messaging
        return {
            "contacts": n,
            "handle_seconds": seconds.get(key, 0),
            "handle_cost": handle,
            "tooling_cost": shared,
            "sms_messages": sms,
            "whatsapp_messages": whatsapp,
            "messaging_cost": messaging,
            "total_cost": total,
            "cost_per_contact": round(total / n, 2) if n else None,
        }

    return as_rows(session, by, tallies, row_values)
