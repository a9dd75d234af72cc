"""Which policy a ticket gets: the seeded defaults, first match wins, as a table; and the
story of a health report re-matched once triage has read it."""

from __future__ import annotations

from itertools import count

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Cast, inbound

from minidesk.db import Database
from minidesk.sla.defaults import default_rows
from minidesk.sla.matching import TicketFacts, first_match
from minidesk.sla.models import SlaPolicy, SlaTicket

_ids = count(1)
DEFAULTS = [SlaPolicy(id=next(_ids), **row) for row in default_rows()]


def facts(
    channel: str = "email",
    priority: str = "P3",
    intent: str | None = None,
    tags: frozenset[str] = frozenset(),
    team_id: int | None = None,
    flags: frozenset[str] = frozenset(),
    spent: int | None = None,
) -> TicketFacts:
    return TicketFacts(channel, priority, intent, tags, team_id, flags, lambda _currency: spent)


CASES = [
    ("a plain email", facts(), "Email"),
    ("a chat", facts(channel="chat"), "Chat"),
    ("an SMS", facts(channel="sms"), "SMS"),
    ("an API question", facts(channel="api"), "General questions"),
    ("P1 beats the channel", facts(channel="chat", priority="P1"), "P1"),
    ("health and safety beats everything", facts(priority="P1", flags=frozenset({"health_safety"})),
     "Health and safety"),
    ("an urgent late order", facts(priority="P2", intent="order_late"), "Urgent order problem"),
    ("a calm late order is just email", facts(intent="order_late"), "Email"),
    ("a refund by email", facts(intent="refund"), "Refunds"),
    ("a refund by chat answers at chat speed", facts(channel="chat", intent="refund"), "Chat"),
]  # fmt: skip


@pytest.mark.parametrize(("story", "ticket", "policy"), CASES, ids=[c[0] for c in CASES])
def test_the_defaults_match_in_order(story: str, ticket: TicketFacts, policy: str) -> None:
    found = first_match(DEFAULTS, ticket)
    assert found is not None and found.name == policy, story


def test_conditions_on_tags_teams_and_lifetime_value() -> None:
    vip = SlaPolicy(
        id=100,
        name="VIP",
        position=0,
        enabled=True,
        conditions={"tags": ["VIP"], "teams": [2], "lifetime_value_at_least": 50_000},
        targets={},
    )
    policies = [vip, *DEFAULTS]
    rich = facts(tags=frozenset({"vip"}), team_id=2, spent=60_000)
    assert first_match(policies, rich) is vip
    assert first_match(policies, facts(tags=frozenset({"vip"}), team_id=2, spent=10)) is not vip
    # Unknown spend never matches a lifetime-value condition.
    assert first_match(policies, facts(tags=frozenset({"vip"}), team_id=2)) is not vip
    assert first_match(policies, facts(tags=frozenset({"vip"}), team_id=3, spent=60_000)) is not vip
    vip.enabled = False
    assert first_match(policies, rich) is not vip


def test_a_burn_report_gets_the_health_and_safety_promise(
    client: TestClient, cast: Cast, database: Database, default_policies: None
) -> None:
    body = inbound(client, cast.shop, "The charger burned my hand, I went to hospital", "h1")
    with database.sessions() as session:
        state = session.get_one(SlaTicket, int(str(body["ticket_number"])))
        policy = session.scalar(select(SlaPolicy.name).where(SlaPolicy.id == state.policy_id))
    assert "health_safety" in state.flags
    assert policy == "Health and safety"
