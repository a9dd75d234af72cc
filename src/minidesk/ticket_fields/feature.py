"""Custom ticket fields' manifest: the definitions table, their API, the admin page and the
ticket page's fields form."""

from __future__ import annotations

from minidesk.features import Feature

FEATURE = Feature(
    name="ticket_fields",
    models=("minidesk.ticket_fields.models",),
    routers=(
        "minidesk.web.api.ticket_fields:router",
        "minidesk.web.ui.field_pages:router",
        "minidesk.web.ui.admin.field_pages:router",
    ),
)
