"""Routing's manifest: agent profiles, the assignment decision and the re-route sweep."""

from __future__ import annotations

from minidesk.features import Feature

FEATURE = Feature(
    name="routing",
    models=("minidesk.routing.models",),
    listeners=("minidesk.routing.listeners",),
    sweepers=(
        "minidesk.routing.reroute:reroute_unaccepted",
        "minidesk.routing.lapse:record_lapses",
    ),
    routers=("minidesk.web.api.routing:router", "minidesk.web.ui.admin.routing_pages:router"),
)
