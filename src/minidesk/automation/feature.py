"""Automation's manifest: rules as data, the engine listening to every event, time-based
rules' timers, and rules' signed webhook POSTs."""

from __future__ import annotations

from minidesk.features import Feature

FEATURE = Feature(
    name="automation",
    models=("minidesk.automation.models",),
    listeners=("minidesk.automation.engine", "minidesk.automation.timers"),
    sweepers=("minidesk.automation.timers:fire_due_timers",),
    routers=("minidesk.web.api.rules:router",),
    # Not a customer channel: rules' signed webhook POSTs, sent through the same outbox.
    channel_kinds={"webhook": "minidesk.automation.webhook:WebhookAdapter"},
)
