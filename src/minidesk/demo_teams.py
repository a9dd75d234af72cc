"""Which team a demo conversation lands in, as the demo desk's own set-up puts it: one on a
mailbox or a live channel goes to the team that serves that channel (``channels.team_id``);
one from the shop's app, which serves everybody, by what triage read: money questions to
Billing, the rest to Support. Decided by the ticket itself, never drawn at random, so a
re-seeded demo places every conversation the same way."""

from __future__ import annotations

from sqlalchemy.orm import Session

from minidesk.channels.models import Channel
from minidesk.desk import tickets, users
from minidesk.desk.models import Team, Ticket
from minidesk.events import SYSTEM

BILLING, SUPPORT = "Billing", "Support"
# The intents (``triage.taxonomy``) whose answer is about money: Billing's work.
MONEY = frozenset(
    {"refund", "refund_status", "refund_policy", "payment_problem", "payment_methods",
     "invoice", "cancellation_fee"}
)  # fmt: skip


def team_for(session: Session, ticket: Ticket) -> Team:
    channel = session.get(Channel, ticket.channel_id) if ticket.channel_id else None
    if channel is not None and channel.team_id is not None:
        return session.get_one(Team, channel.team_id)
    name = BILLING if ticket.intent in MONEY else SUPPORT
    return users.get_or_create_team(session, name, SYSTEM)


def do_place(session: Session, ticket: Ticket) -> None:
    """Give a seeded ticket of no team its team (one already placed is left alone)."""
    if ticket.team_id is None:
        tickets.do_set_team(session, ticket, team_for(session, ticket), SYSTEM)
