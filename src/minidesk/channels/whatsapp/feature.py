"""The WhatsApp channel's manifest: the Cloud API webhook and the Graph API adapter."""

from __future__ import annotations

from minidesk.features import Feature

FEATURE = Feature(
    name="channels.whatsapp",
    routers=("minidesk.channels.whatsapp.routes:hooks",),
    # Automated messages held for a closed window go out when the customer writes again.
    listeners=("minidesk.channels.whatsapp.hold",),
    channel_kinds={"whatsapp": "minidesk.channels.whatsapp.kind:KIND"},
)
