"""Escalation's manifest: the matrix (rules as data), escalations by hand or by rule,
product-quality incidents; fired by listeners and the minute sweep."""

from __future__ import annotations

from minidesk.features import Feature

FEATURE = Feature(
    name="escalation",
    models=("minidesk.escalation.models",),
    listeners=("minidesk.escalation.listeners",),
    sweepers=("minidesk.escalation.sweeper:fire_due",),
    routers=(
        "minidesk.web.api.escalation:router",
        "minidesk.web.api.ticket_escalation:router",
        "minidesk.web.ui.escalation_pages:router",
    ),
)
