"""Search's manifest: the indexes live in migration 0026 (``search.ddl``); the ticket and
customer lists search through them, and ``/api/v1/search`` adds snippets."""

from __future__ import annotations

from minidesk.features import Feature

FEATURE = Feature(
    name="search", routers=("minidesk.web.api.search:router", "minidesk.web.ui.search_pages:router")
)
