"""Commerce's manifest: the built-in store's tables and its import and read API (connectors
register in ``registry``)."""

from __future__ import annotations

from minidesk.features import Feature

FEATURE = Feature(
    name="commerce",
    models=("minidesk.commerce.models",),
    routers=("minidesk.web.api.store:router",),
)
