"""The reply templates' manifest."""

from __future__ import annotations

from minidesk.features import Feature

FEATURE = Feature(
    name="replies",
    models=("minidesk.replies.models",),
    routers=("minidesk.web.api.templates:router", "minidesk.web.ui.admin.template_pages:router"),
)
