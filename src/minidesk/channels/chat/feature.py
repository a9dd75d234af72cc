"""The web chat's manifest: its visitors and files, the widget and socket routes, the kind."""

from __future__ import annotations

from minidesk.features import Feature

FEATURE = Feature(
    name="channels.chat",
    models=("minidesk.channels.chat.models",),
    routers=("minidesk.channels.chat.routes:router",),
    channel_kinds={"chat": "minidesk.channels.chat.kind:KIND"},
)
