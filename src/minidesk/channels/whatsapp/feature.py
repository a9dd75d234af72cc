"""The WhatsApp channel's manifest: the Cloud API webhook and the Graph API adapter."""

from __future__ import annotations

from minidesk.features import Feature

FEATURE = Feature(
    name="channels.whatsapp",
    routers=("minidesk.channels.whatsapp.routes:hooks",),
    channel_kinds={"whatsapp": "minidesk.channels.whatsapp.kind:KIND"},
)
