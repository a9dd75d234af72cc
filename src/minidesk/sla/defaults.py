"""The policies a fresh workspace starts with (migration 0022 and the demo), in match order:
the specific promises first, the catch-all last. Edit or reorder them like any other."""

from __future__ import annotations

from typing import Any

MINUTE, HOUR = 60, 3600


def _target(seconds: int, business: bool = False) -> dict[str, Any]:
    return {"seconds": seconds, "business": business}


DEFAULTS: list[dict[str, Any]] = [
    {
        "name": "Health and safety",
        "description": "A health or safety report: acknowledged within 2 h, resolved within 24 h.",
        "conditions": {"flags": ["health_safety"]},
        "targets": {"first_response": _target(2 * HOUR), "resolution": _target(24 * HOUR)},
        "warn_before_seconds": 30 * MINUTE,
    },
    {
        "name": "Urgent order problem",
        "description": "An order problem triaged P1 or P2: acknowledged within 2 h, resolved "
        "within 24 h.",
        "conditions": {
            "priorities": ["P1", "P2"],
            "intents": [
                "order_late",
                "order_status",
                "change_order",
                "cancel_order",
                "payment_problem",
                "return",
            ],
        },
        "targets": {"first_response": _target(2 * HOUR), "resolution": _target(24 * HOUR)},
        "warn_before_seconds": 30 * MINUTE,
    },
    {
        "name": "P1",
        "description": "Priority 1: first response within an hour, around the clock.",
        "conditions": {"priorities": ["P1"]},
        "targets": {"first_response": _target(HOUR), "next_response": _target(HOUR)},
        "warn_before_seconds": 15 * MINUTE,
    },
    {
        "name": "Chat",
        "description": "Live chat: answered within 60 seconds.",
        "conditions": {"channels": ["chat"]},
        "targets": {"first_response": _target(60), "next_response": _target(60)},
        "warn_before_seconds": 20,
    },
    {
        "name": "SMS",
        "description": "Text messages: answered within 2 minutes.",
        "conditions": {"channels": ["sms"]},
        "targets": {"first_response": _target(2 * MINUTE), "next_response": _target(5 * MINUTE)},
        "warn_before_seconds": 30,
    },
    {
        "name": "Refunds",
        "description": "Refund requests: completed within 7 business days (56 business hours "
        "of an 8-hour day).",
        "conditions": {"intents": ["refund"]},
        "targets": {
            "first_response": _target(HOUR, business=True),
            "resolution": _target(56 * HOUR, business=True),
        },
        "warn_before_seconds": 4 * HOUR,
    },
    {
        "name": "Email",
        "description": "Email: first response within 60 business minutes.",
        "conditions": {"channels": ["email"]},
        "targets": {
            "first_response": _target(HOUR, business=True),
            "next_response": _target(4 * HOUR, business=True),
        },
        "warn_before_seconds": 15 * MINUTE,
    },
    {
        "name": "General questions",
        "description": "Everything else: acknowledged within 24 business hours.",
        "conditions": {},
        "targets": {"first_response": _target(24 * HOUR, business=True)},
        "warn_before_seconds": 2 * HOUR,
    },
]


def default_rows() -> list[dict[str, Any]]:
    """The defaults as table rows, positions 10, 20, ... (room to slot a policy between)."""
    return [
        {"position": 10 * (index + 1), "enabled": True, "business_hours": None, **policy}
        for index, policy in enumerate(DEFAULTS)
    ]
