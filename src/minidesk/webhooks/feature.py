"""Outgoing webhooks' manifest: subscriptions (tables, the API), delivery from every event
through the outbox, the sweep that wakes deliveries parked by the circuit breaker, and the
one that prunes old delivery history."""

from __future__ import annotations

from minidesk.features import Feature

FEATURE = Feature(
    name="webhooks",
    models=("minidesk.webhooks.models",),
    listeners=("minidesk.webhooks.delivery",),
    sweepers=(
        "minidesk.webhooks.delivery:wake_parked",
        "minidesk.webhooks.retention:prune_history",
    ),
    routers=("minidesk.web.api.webhooks:router",),
)
