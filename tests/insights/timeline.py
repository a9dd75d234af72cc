"""The fixture timeline the KPI tests compute by hand: seven tickets over two ISO weeks of
March 2026, written straight into the event log with chosen times (the report's only source).

    T0 email alice/Support  created Fri 27 Feb (before the range), solved Mon 2 Mar 08:00
    T1 email alice/Support  created 2 Mar 09:00, reply 09:30, solved 10:00; CSAT 5
    T2 chat  bob/Billing    created 2 Mar 10:00, replies 10:10 and 10:30, the visitor left
                            10:40, solved 11:00, reopened 3 Mar 08:00 and solved again
                            09:00; CSAT 2
    T3 chat  (bot)          created 3 Mar 11:00, the visitor left 11:00:02, automated reply
                            11:00:05, solved by the bot 11:01; CES 7
    T4 email alice/Support  created 9 Mar 09:00, four customer messages, tier 1→2 at 09:30,
                            reply 10:00, solved 12:00; NPS 10
    T5 sms   bob/Billing    created 9 Mar 14:00, reply 14:20, solved 15:00; CSAT 3 by link at
                            15:30, then "4" by SMS at 16:00 (reopen undone: survey answered)
    T6 api   alice/Support  created 10 Mar 08:00, no reply yet; relational NPS 6
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from tests.conftest import Cast

from minidesk.db import Database, utcnow
from minidesk.desk.models import Customer, Ticket
from minidesk.events import Event
from minidesk.insights.rollup import rebuild

MARCH = dt.datetime(2026, 3, 2, tzinfo=dt.UTC)  # a Monday


def at(day: int, hour: int, minute: int = 0, second: int = 0, month: int = 3) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, second, tzinfo=dt.UTC)


@dataclass
class Writer:
    database: Database
    customer_id: int = 0
    survey_ids: int = 0

    def ticket(self, channel: str, assignee: int | None, team: int | None, intent: str | None,
               created: dt.datetime, solved: dt.datetime | None) -> int:  # fmt: skip
        with self.database.transaction() as session:
            if not self.customer_id:
                customer = Customer(name="Emma", email="emma@example.com")
                session.add(customer)
                session.flush()
                self.customer_id = customer.id
            ticket = Ticket(
                channel=channel, customer_id=self.customer_id, assignee_id=assignee,
                team_id=team, intent=intent, status="solved" if solved else "open",
                created_at=created, solved_at=solved,
            )  # fmt: skip
            session.add(ticket)
            session.flush()
            ticket_id = ticket.id
        self.event(ticket_id, "ticket.created", created, "customer",
                   {"channel": channel, "subject": "", "follow_up_of": None})  # fmt: skip
        self.received(ticket_id, created)
        return ticket_id

    def event(self, ticket: int, kind: str, when: dt.datetime, actor: str,
              data: dict[str, Any]) -> None:  # fmt: skip
        with self.database.transaction() as session:
            session.add(Event(
                kind=kind, ticket_id=ticket, customer_id=self.customer_id, actor_type=actor,
                actor_name=actor, automated=actor in ("automation", "system"), data=data,
                created_at=when, dispatched_at=utcnow(),
            ))  # fmt: skip

    def received(self, ticket: int, when: dt.datetime) -> None:
        self.event(ticket, "message.received", when, "customer",
                   {"channel": "x", "new_ticket": False})  # fmt: skip

    def reply(self, ticket: int, when: dt.datetime, actor: str = "user") -> None:
        self.event(ticket, "message.sent", when, actor,
                   {"channel": "x", "automated": actor != "user"})  # fmt: skip

    def left(self, ticket: int, when: dt.datetime) -> None:
        """The chat's visitor was gone past the grace period (recorded by the sweep)."""
        self.event(ticket, "chat.visitor_left", when, "automation",
                   {"visitor_id": 1, "left_at": when.isoformat(), "waited_seconds": 0})  # fmt: skip

    def status(self, ticket: int, when: dt.datetime, before: str, after: str, why: str = "",
               actor: str = "user") -> None:  # fmt: skip
        self.event(ticket, "ticket.status_changed", when, actor,
                   {"why": why, "before": before, "after": after})  # fmt: skip

    def answer(self, ticket: int, when: dt.datetime, kind: str, score: int,
               survey: int | None = None) -> int:  # fmt: skip
        if survey is None:
            self.survey_ids += 1
            survey = self.survey_ids
        self.event(ticket, "survey.answered", when, "customer", {
            "survey_id": survey, "survey_kind": kind, "score": score, "comment": None,
            "via": "link", "previous_score": None})  # fmt: skip
        return survey


def build(database: Database, cast: Cast) -> dict[str, int]:
    w = Writer(database)
    alice, bob = cast.alice.id, cast.bob.id
    support, billing = cast.support_team, cast.billing_team
    t = {}
    t["T0"] = w.ticket("email", alice, support, "where_is_order", at(27, 9, month=2), at(2, 8))
    w.reply(t["T0"], at(27, 10, month=2))
    w.status(t["T0"], at(2, 8), "open", "solved")

    t["T1"] = w.ticket("email", alice, support, "where_is_order", at(2, 9), at(2, 10))
    w.reply(t["T1"], at(2, 9, 30))
    w.status(t["T1"], at(2, 10), "open", "solved")
    w.answer(t["T1"], at(2, 12), "csat", 5)

    t["T2"] = w.ticket("chat", bob, billing, "refund", at(2, 10), at(3, 9))
    w.reply(t["T2"], at(2, 10, 10))
    w.received(t["T2"], at(2, 10, 20))
    w.reply(t["T2"], at(2, 10, 30))
    w.left(t["T2"], at(2, 10, 40))
    w.status(t["T2"], at(2, 11), "open", "solved")
    w.status(t["T2"], at(3, 8), "solved", "open", why="customer replied", actor="customer")
    w.status(t["T2"], at(3, 9), "open", "solved")
    w.answer(t["T2"], at(3, 10), "csat", 2)

    t["T3"] = w.ticket("chat", None, None, "where_is_order", at(3, 11), at(3, 11, 1))
    w.left(t["T3"], at(3, 11, 0, 2))
    w.reply(t["T3"], at(3, 11, 0, 5), actor="automation")
    w.status(t["T3"], at(3, 11, 1), "open", "solved", actor="automation")
    w.answer(t["T3"], at(3, 12), "ces", 7)

    t["T4"] = w.ticket("email", alice, support, "refund", at(9, 9), at(9, 12))
    for minute in (5, 10, 15):
        w.received(t["T4"], at(9, 9, minute))
    w.event(t["T4"], "ticket.tier_changed", at(9, 9, 30), "user",
            {"why": "", "before": 1, "after": 2})  # fmt: skip
    w.reply(t["T4"], at(9, 10))
    w.status(t["T4"], at(9, 12), "open", "solved")
    w.answer(t["T4"], at(9, 13), "nps", 10)

    t["T5"] = w.ticket("sms", bob, billing, "refund", at(9, 14), at(9, 16, 0, 1))
    w.reply(t["T5"], at(9, 14, 20))
    w.status(t["T5"], at(9, 15), "open", "solved")
    survey = w.answer(t["T5"], at(9, 15, 30), "csat", 3)
    w.received(t["T5"], at(9, 16))
    w.status(t["T5"], at(9, 16), "solved", "open", why="customer replied", actor="customer")
    w.answer(t["T5"], at(9, 16, 0, 1), "csat", 4, survey=survey)
    w.status(t["T5"], at(9, 16, 0, 1), "open", "solved", why="survey answered",
             actor="automation")  # fmt: skip

    t["T6"] = w.ticket("api", alice, support, None, at(10, 8), None)
    w.answer(t["T6"], at(10, 9), "nps", 6)
    # Written straight into the log, these events reach no listener: the rollup the report
    # reads is rebuilt from them (tests/insights/test_rollups.py: listeners keep it equal).
    with database.transaction() as session:
        rebuild(session)
    return t
