"""Which team a demo conversation from the shop's app lands in. One on a mailbox or a live
channel is already in the team that serves that channel (the pipeline gives a new ticket its
channel's team); the app serves everybody, so its conversations go by what triage read: money
questions to Billing, the rest to Support. Decided by the ticket itself, never drawn at
random, so a re-seeded demo places every conversation the same way."""

from __future__ import annotations

from sqlalchemy.orm import Session

from minidesk.desk import tickets, users
from minidesk.desk.models import Ticket
from minidesk.events import SYSTEM

BILLING, SUPPORT = "Billing", "Support"
# The intents (``triage.taxonomy``) whose answer is about money: Billing's work.
MONEY = frozenset(
    {"refund", "refund_status", "refund_policy", "payment_problem", "payment_methods",
     "invoice", "cancellation_fee"}
)  # fmt: skip


def do_place(session: Session, ticket: Ticket) -> None:
    """Give a seeded ticket of no team its team by intent (one already placed is left alone)."""
    if ticket.team_id is None:
        name = BILLING if ticket.intent in MONEY else SUPPORT
        team = users.get_or_create_team(session, name, SYSTEM)
        tickets.do_set_team(session, ticket, team, SYSTEM)
