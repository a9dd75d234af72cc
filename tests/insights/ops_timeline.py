"""The KPI fixture timeline (tests/insights/timeline.py) with what the operational reports
also read: tags, a field required to solve, and a second customer.

    T0-T6 as in timeline.py, all Emma's
    T7  Noah's, chat bob/Billing intent "cancel", created Tue 3 Mar 09:00, never solved
    tags: T1 "shipping"; T3 "bot"; T4 "refund" and "vip"
    field "order_number" (required to solve): T1 "A1", T2 "B2", T4 "" (left empty)
"""

from __future__ import annotations

from sqlalchemy import select
from tests.conftest import Cast
from tests.insights.timeline import Writer, at, build

from minidesk.db import Database
from minidesk.desk.models import Customer, Ticket, TicketTag
from minidesk.insights.rollup import rebuild
from minidesk.ticket_fields.models import TicketField

TAGS = {"T1": ["shipping"], "T3": ["bot"], "T4": ["refund", "vip"]}
ORDER_NUMBERS = {"T1": "A1", "T2": "B2", "T4": ""}


def build_ops(database: Database, cast: Cast) -> dict[str, int]:
    t = build(database, cast)
    with database.transaction() as session:
        noah = Customer(name="Noah", email="noah@example.com")
        session.add(noah)
        session.flush()
        noah_id = noah.id
    w = Writer(database, customer_id=noah_id)
    t["T7"] = w.ticket("chat", cast.bob.id, cast.billing_team, "cancel", at(3, 9), None)
    with database.transaction() as session:
        for name, tags in TAGS.items():
            session.add_all(TicketTag(ticket_id=t[name], tag=tag) for tag in tags)
        session.add(TicketField(key="order_number", label="Order number", type="text",
                                required_to_solve=True))  # fmt: skip
        for name, value in ORDER_NUMBERS.items():
            ticket = session.scalars(select(Ticket).where(Ticket.id == t[name])).one()
            ticket.custom_fields = {"order_number": value}
    with database.transaction() as session:
        rebuild(session)  # T7's events, like the others, reached no listener
    return t
