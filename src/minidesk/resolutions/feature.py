"""The resolution flows' manifest: their hooks into the event stream and the rule action
that starts a flow by name."""

from __future__ import annotations

from minidesk.features import Feature

FEATURE = Feature(
    name="resolutions",
    models=("minidesk.resolutions.models",),
    listeners=("minidesk.resolutions.listeners", "minidesk.resolutions.runners"),
    routers=("minidesk.web.api.resolutions:router", "minidesk.web.api.agent_actions:router"),
)
