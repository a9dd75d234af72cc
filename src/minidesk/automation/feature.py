"""Automation's manifest: rules as data, the engine listening to every event, time-based
rules' timers (rules' webhook POSTs go out as the webhooks feature's deliveries)."""

from __future__ import annotations

from minidesk.features import Feature

FEATURE = Feature(
    name="automation",
    models=("minidesk.automation.models",),
    listeners=("minidesk.automation.engine", "minidesk.automation.timers"),
    sweepers=("minidesk.automation.timers:fire_due_timers",),
    routers=("minidesk.web.api.rules:router", "minidesk.web.ui.admin.rule_pages:router"),
)
