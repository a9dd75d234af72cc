"""The cost per contact fixture: the operations timeline (tests/insights/ops_timeline.py) with
handle time, outbound messages and the workspace's prices.

Contacts from Mon 2 to Tue 10 Mar (9 days): T1-T7 each have a customer's message in the range;
T0's only one is on 27 Feb.
    T1 email Support 1,800 s   T2 chat Billing 900 s   T3 chat (no team)   T4 email Support 1,200 s
    T5 sms Billing 600 s       T6 api Support          T7 chat Billing (work on 11 Mar only)
    outbound: T5 two SMS on 9 Mar (a note and an inbound SMS do not count; one on 11 Mar),
              T2 one WhatsApp on 3 Mar, T1 one email (not priced)
Costs: 30.00 EUR an hour, 365.00 a month of tooling (12.00 a day), SMS 0.08, WhatsApp 0.05.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from tests.conftest import Cast
from tests.insights.ops_timeline import build_ops
from tests.insights.timeline import at

from minidesk.db import Database
from minidesk.desk.models import Message
from minidesk.insights.rollup import rebuild
from minidesk.insights.work_models import WorkTime

COSTS = "/api/v1/insights/costs"


def eur(amount: int, currency: str = "EUR") -> dict[str, Any]:
    return {"amount": amount, "currency": currency}


PRICES = {"agent_hour": eur(3000), "tooling_month": eur(36500), "sms_message": eur(8),
          "whatsapp_message": eur(5)}  # fmt: skip


def build_costs(database: Database, cast: Cast, client: TestClient) -> dict[str, int]:
    """The operations timeline with work, outbound messages and the prices set by olivia."""
    t = build_ops(database, cast)
    alice, bob = cast.alice.id, cast.bob.id
    work = [(alice, "T1", 2, 1800), (bob, "T2", 2, 900), (bob, "T5", 9, 600),
            (alice, "T4", 9, 1200), (alice, "T0", 27, 3600), (bob, "T7", 11, 300)]  # fmt: skip
    sent = [("T5", "outbound", "sms", at(9, 14, 20)), ("T5", "outbound", "sms", at(9, 15)),
            ("T5", "note", "sms", at(9, 15)), ("T5", "inbound", "sms", at(9, 16)),
            ("T5", "outbound", "sms", at(11, 9)), ("T2", "outbound", "whatsapp", at(3, 9)),
            ("T1", "outbound", "email", at(2, 9, 30))]  # fmt: skip
    with database.transaction() as session:
        for who, name, day, seconds in work:
            month = 2 if day == 27 else 3
            session.add(WorkTime(user_id=who, ticket_id=t[name], visit=f"v-{name}", seconds=seconds,
                                 day=dt.date(2026, month, day),
                                 last_beat_at=at(day, 12, month=month)))  # fmt: skip
        for name, direction, channel, when in sent:
            session.add(Message(ticket_id=t[name], direction=direction, channel=channel,
                                text="x", created_at=when))  # fmt: skip
    with database.transaction() as session:
        rebuild(session)  # the work rows went straight in: handle time's per-day rows follow
    response = client.put(COSTS, json=PRICES, headers=cast.olivia.headers)
    assert response.status_code == 200, response.text
    return t
