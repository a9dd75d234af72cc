"""Arrivals are counted in the shop's own clock, across daylight-saving changes."""

from __future__ import annotations

import datetime as dt

from minidesk.db import Database
from minidesk.desk.models import Customer, Ticket
from minidesk.wfm.history import Scope, arrivals


def test_the_same_utc_hour_is_a_different_local_half_hour_after_the_clocks_change(
    database: Database,
) -> None:
    # New York falls back on Sunday 1 November 2026: 14:05 UTC is 10:05 on Saturday (EDT)
    # and 09:05 on Monday (EST).
    with database.transaction() as session:
        customer = Customer(name="Sam")
        session.add(customer)
        session.flush()
        for day, resolution in ((31, None), (31, "auto"), (2, "agent"), (2, "agent")):
            month = 10 if day == 31 else 11
            at = dt.datetime(2026, month, day, 14, 5, tzinfo=dt.UTC)
            session.add(
                Ticket(
                    channel="chat", customer_id=customer.id, created_at=at, resolution=resolution
                )
            )
    with database.sessions() as session:
        counted = arrivals(session, Scope(), dt.date(2026, 10, 31), 3, 1800, "America/New_York")
    assert counted.handled.sum() == 3
    assert counted.handled[0, 20] == 1  # Saturday 10:00-10:30
    assert counted.deflected[0, 20] == 1  # the bot's, counted apart
    assert counted.handled[2, 18] == 2  # Monday 09:00-09:30
    assert counted.deflection_rate == 0.25
    with database.sessions() as session:
        hourly = arrivals(session, Scope(), dt.date(2026, 10, 31), 3, 3600, "Asia/Kathmandu")
    # UTC+05:45: 14:05 UTC is 19:50 local, in the 19:00 hour.
    assert hourly.handled[0, 19] == 1 and hourly.handled[2, 19] == 2
