"""Example rules a demo workspace starts with (each idempotent by name)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.automation.models import Rule
from minidesk.automation.rules import do_create_rule
from minidesk.events import Actor

EXAMPLES: list[dict[str, Any]] = [
    {
        "name": "VIP customers go first",
        "description": "Customers tagged vip get P2 and the vip tag on every new message.",
        "event": "message.received",
        "conditions": [
            {"type": "customer_tag", "any_of": ["vip"]},
            {"type": "priority", "any_of": ["P3", "P4"]},
        ],
        "actions": [
            {"type": "set_priority", "priority": "P2"},
            {"type": "add_tags", "tags": ["vip"]},
        ],
    },
    {
        "name": "Upset customers out of hours",
        "description": "Negative messages outside business hours are tagged for the morning.",
        "event": "message.received",
        "conditions": [
            {"type": "sentiment", "any_of": ["negative"]},
            {"type": "business_hours", "negate": True},
        ],
        "actions": [{"type": "add_tags", "tags": ["upset-overnight"]}],
    },
    {
        "name": "Pending 72 h: remind",
        "event": "time",
        "after": "72h",
        "status": "pending",
        "actions": [{"type": "reply", "template": "pending_reminder"}],
    },
    {
        "name": "Pending 144 h: solve",
        "description": "Three days after the reminder, still no answer: solve.",
        "event": "time",
        "after": "144h",
        "status": "pending",
        "actions": [{"type": "set_status", "status": "solved"}],
    },
]


def do_seed_examples(session: Session, actor: Actor) -> int:
    """Create the example rules that do not exist yet; returns how many were created."""
    existing = set(session.scalars(select(Rule.name)))
    created = 0
    for position, data in enumerate(EXAMPLES):
        if data["name"] not in existing:
            do_create_rule(session, {**data, "position": position * 10}, actor)
            created += 1
    return created
