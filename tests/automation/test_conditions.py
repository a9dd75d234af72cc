"""Every condition, table-driven: each case is a condition as stored, the ticket's facts, and
whether it matches. Unknown facts (no sentiment read, no commerce data) never match."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any, cast

import pytest
from sqlalchemy.orm import Session

from minidesk.automation import conditions
from minidesk.automation.engine import evaluate
from minidesk.automation.facts import Facts
from minidesk.desk.models import Customer, Message, Ticket, TicketTag

MONDAY_10_LONDON = dt.datetime(2024, 6, 10, 9, 0, tzinfo=dt.UTC)  # 10:00 BST
SATURDAY_10_LONDON = dt.datetime(2024, 6, 15, 9, 0, tzinfo=dt.UTC)


def facts(
    *,
    text: str = "Where is my order #1001?",
    now: dt.datetime = MONDAY_10_LONDON,
    customer_tags: list[str] | None = None,
    tags: list[str] | None = None,
    **ticket: Any,
) -> Facts:
    values = {
        "id": 7,
        "subject": "Order",
        "status": "open",
        "priority": "P3",
        "channel": "email",
        "customer_id": 3,
        "tier": 1,
        "intent": "track_order",
        "intent_confidence": 0.9,
        "sentiment": "neutral",
        **ticket,
    }
    row = Ticket(**values)
    row.customer = Customer(id=3, name="Emma", tags=customer_tags or [])
    row.tag_rows = [TicketTag(tag=t) for t in tags or []]
    return Facts(cast("Session", None), row, None, Message(text=text), now, "Europe/London")


CASES: list[tuple[dict[str, Any], Facts, bool]] = [
    ({"type": "channel", "any_of": ["email", "sms"]}, facts(), True),
    ({"type": "channel", "any_of": ["sms"]}, facts(), False),
    ({"type": "channel", "any_of": ["sms"], "negate": True}, facts(), True),
    ({"type": "intent", "any_of": ["track_order"], "min_confidence": 0.8}, facts(), True),
    ({"type": "intent", "any_of": ["track_order"], "min_confidence": 0.95}, facts(), False),
    ({"type": "intent", "any_of": ["refund"]}, facts(), False),
    ({"type": "sentiment", "any_of": ["negative"]}, facts(sentiment="negative"), True),
    ({"type": "sentiment", "any_of": ["negative"]}, facts(), False),
    ({"type": "sentiment", "any_of": ["negative"], "negate": True}, facts(sentiment=None), False),
    ({"type": "priority", "any_of": ["P1", "P2"]}, facts(priority="P2"), True),
    ({"type": "priority", "any_of": ["P1"]}, facts(), False),
    ({"type": "status", "any_of": ["pending"]}, facts(status="pending"), True),
    ({"type": "status", "any_of": ["new"]}, facts(), False),
    ({"type": "ticket_tag", "any_of": ["Urgent"]}, facts(tags=["urgent"]), True),
    ({"type": "ticket_tag", "any_of": ["urgent"]}, facts(), False),
    ({"type": "customer_tag", "any_of": ["vip"]}, facts(customer_tags=["VIP"]), True),
    ({"type": "customer_tag", "any_of": ["vip"]}, facts(), False),
    ({"type": "lifetime_value", "at_least": 50000}, facts(), False),
    ({"type": "lifetime_value", "at_least": 50000, "negate": True}, facts(), False),
    ({"type": "business_hours"}, facts(), True),
    ({"type": "business_hours"}, facts(now=SATURDAY_10_LONDON), False),
    ({"type": "business_hours", "negate": True}, facts(now=SATURDAY_10_LONDON), True),
    ({"type": "business_hours", "start": "11:00", "end": "18:00"}, facts(), False),
    ({"type": "business_hours", "timezone": "America/New_York"}, facts(), False),  # 05:00
    ({"type": "business_hours", "days": ["sat"]}, facts(now=SATURDAY_10_LONDON), True),
    ({"type": "text", "words": ["sue"]}, facts(text="I will SUE you"), True),
    ({"type": "text", "words": ["sue"]}, facts(text="There is an issue"), False),
    ({"type": "text", "words": ["talk to a human"]}, facts(text="pls talk  to a\nhuman"), True),
    ({"type": "text", "words": ["refund", "money back"]}, facts(text="my money back!"), True),
    ({"type": "text", "regex": r"order\s*#?\d{4}"}, facts(), True),
    ({"type": "text", "regex": r"^refund"}, facts(), False),
]


@pytest.fixture(autouse=True)
def no_commerce_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    """These facts have no database: the built-in store's source (registered when features
    load) stays out, so lifetime value is unknown unless a test adds a source."""
    monkeypatch.setattr(conditions, "lifetime_value_sources", [])


@pytest.mark.parametrize(("condition", "given", "matches"), CASES)
def test_condition(condition: dict[str, Any], given: Facts, matches: bool) -> None:
    assert evaluate(given, [condition])[0] is matches


@pytest.fixture
def lifetime_values() -> Iterator[dict[int, int]]:
    known: dict[int, int] = {}
    source = lambda session, customer_id, currency: known.get(customer_id)  # noqa: E731
    conditions.lifetime_value_sources.append(source)
    yield known
    conditions.lifetime_value_sources.remove(source)


def test_lifetime_value_from_a_commerce_source(lifetime_values: dict[int, int]) -> None:
    rule = [{"type": "lifetime_value", "at_least": 50000}]
    assert evaluate(facts(), rule)[0] is False  # this customer is unknown to the source
    lifetime_values[3] = 50000
    assert evaluate(facts(), rule) == (True, [{**rule[0], "result": True}])
    lifetime_values[3] = 49999
    assert evaluate(facts(), rule)[0] is False


def test_explanation_stops_at_the_first_failed_condition() -> None:
    matched, explained = evaluate(
        facts(),
        [
            {"type": "channel", "any_of": ["email"]},
            {"type": "priority", "any_of": ["P1"]},
            {"type": "intent", "any_of": ["track_order"]},
        ],
    )
    assert not matched
    assert [e["result"] for e in explained] == [True, False]
