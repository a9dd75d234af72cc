"""Saved views' manifest: the table, the API, and the workspace's view forms and live partials."""

from __future__ import annotations

from minidesk.features import Feature

FEATURE = Feature(
    name="saved_views",
    models=("minidesk.saved_views.models",),
    routers=(
        "minidesk.web.api.views:router",
        "minidesk.web.ui.view_pages:router",
        "minidesk.web.ui.live_pages:router",
    ),
)
