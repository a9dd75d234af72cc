"""Outgoing webhooks' manifest: the secrets' API."""

from __future__ import annotations

from minidesk.features import Feature

FEATURE = Feature(name="webhooks", routers=("minidesk.web.api.webhooks:router",))
