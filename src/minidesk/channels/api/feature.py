"""The API channel's manifest: messages posted to the inbound endpoint, replies by webhook."""

from __future__ import annotations

from minidesk.features import Feature

FEATURE = Feature(
    name="channels.api",
    routers=("minidesk.web.api.inbound:router",),
    channel_kinds={"api": "minidesk.channels.api.kind:KIND"},
)
