"""The web chat's manifest: its visitors and files, the widget and socket routes, the kind,
and the chats waiting for a first reply (whose visitors the minute sweep finds gone)."""

from __future__ import annotations

from minidesk.features import Feature

FEATURE = Feature(
    name="channels.chat",
    models=("minidesk.channels.chat.models",),
    listeners=("minidesk.channels.chat.waits",),
    sweepers=("minidesk.channels.chat.waits:record_left",),
    routers=("minidesk.channels.chat.routes:router",),
    channel_kinds={"chat": "minidesk.channels.chat.kind:KIND"},
)
