"""The matrix a fresh workspace starts with (issue 13, POLICIES.md), seeded by migration 0025;
edit, disable or reorder the rules like any other data."""

from __future__ import annotations

from typing import Any

DEFAULTS: list[dict[str, Any]] = [
    {
        "name": "Unresolved 48 hours",
        "description": "A ticket still unresolved 48 hours after it opened goes to its team lead.",
        "trigger": {"kind": "unresolved", "hours": 48, "business": False},
        "target": "team_lead",
        "tier": 2,
    },
    {
        "name": "Refund over $200",
        "description": "A refund above $200.00 waits for a senior manager's approval.",
        "trigger": {"kind": "refund_over", "amount_minor": 20000, "currency": "USD"},
        "target": "senior_manager",
        "tier": 3,
    },
    {
        "name": "Legal words",
        "description": "Lawyer, chargeback, court...: a senior manager looks immediately.",
        "trigger": {"kind": "legal_words"},
        "target": "senior_manager",
        "tier": 3,
    },
    {
        "name": "Health and safety",
        "description": "A health or safety report starts the product-quality-incident workflow.",
        "trigger": {"kind": "health_safety"},
        "target": "incident",
        "tier": 3,
    },
]


def default_rows() -> list[dict[str, Any]]:
    return [
        {"enabled": True, **row, "position": index * 10}
        for index, row in enumerate(DEFAULTS, start=1)
    ]
